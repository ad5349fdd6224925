// Preloaded into the CLI's process by js-tests/cli.test.mjs (NODE_OPTIONS=--import): fetch
// may reach 127.0.0.1 only. A regression that ignores --endpoint or DMS_ENDPOINT then fails
// as a network error instead of calling Alibaba Cloud with the test credentials.
const hostFetch = globalThis.fetch;

globalThis.fetch = function localOnlyFetch(input, init) {
  const url = new URL(typeof input === 'object' && input !== null && 'url' in input ? input.url : String(input));
  if (url.hostname !== '127.0.0.1') {
    return Promise.reject(new TypeError(`the test guard refused ${url.origin}: the CLI under test may only reach 127.0.0.1`));
  }
  return hostFetch.call(this, input, init);
};
