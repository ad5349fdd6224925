// A child process for the resilience tests: loads the packed tarball as an ES module user
// does (.scratch/consumer/load.mjs), makes ONE call, prints `{ ok }` or `{ error }` as the
// last line of stdout, and then simply returns: nothing here keeps the process alive, so
// the parent can measure how long the package's own timers and listeners hold it.
//
// argv[2] is JSON: {
//   how: 'client' | 'oneShot',
//   options: client options (without functions),
//   params: operation parameters,
//   callOptions: { timeoutMs? },
//   abortOnRetry: abort the call once onResponse says another attempt follows,
//   maxRandom: make Math.random return 0.999999 (the longest full-jitter backoff),
//   provider: credentials to return from a `credentials` function option,
// }
// Environment variables are passed through (the one-shot functions read credentials there).
const loader = new URL('../../../.scratch/consumer/load.mjs', import.meta.url);
const pkg = await import(loader.href);

const config = JSON.parse(process.argv[2] ?? '{}');
if (config.maxRandom) Math.random = () => 0.999999;

const controller = new AbortController();
const options = { ...config.options };
if (config.abortOnRetry) {
  options.onResponse = (event) => {
    if (event.retrying) setTimeout(() => controller.abort(new Error('child gave up')), 0);
  };
}
if (config.provider) options.credentials = () => config.provider;
const callOptions = { ...config.callOptions };
if (config.abortOnRetry) callOptions.signal = controller.signal;

const summary = (error) => ({
  name: error?.name,
  code: error?.code,
  status: error?.status,
  retryable: error?.retryable,
  message: error?.message,
  causeMessage: error?.cause?.message,
});

try {
  const result =
    config.how === 'oneShot'
      ? await pkg.stopTaskFlowInstance({ ...options, ...config.params }, callOptions)
      : await new pkg.DmsClient(options).stopTaskFlowInstance(config.params, callOptions);
  console.log(JSON.stringify({ ok: result }));
} catch (error) {
  console.log(JSON.stringify({ error: summary(error) }));
}
