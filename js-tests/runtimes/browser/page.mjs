// The browser page for js-tests/runtimes/browser.test.mjs: the shared runtime suite run
// against `dms-taskflow` as a bundler resolves it for the browser (the `browser` condition
// of the exports map). The test copies this file and suite.mjs into a scratch app, so
// `dms-taskflow` comes from the installed tarball; `../suite.mjs` is that copy.
//
// The emulator endpoint and credentials come in the URL fragment (or query string):
//   index.html#endpoint=http://127.0.0.1:1234&accessKeyId=...&accessKeySecret=...
// The results land in window.__results for the test to read.
import * as api from 'dms-taskflow';
import { runSuite } from '../suite.mjs';

const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
const env = Object.fromEntries(['endpoint', 'accessKeyId', 'accessKeySecret'].map((name) => [name, params.get(name)]));

const show = (text) => {
  document.body.textContent = text;
};

runSuite(api, env).then(
  (results) => {
    const passed = results.filter((r) => r.ok).length;
    show(`${passed}/${results.length} passed\n${results.map((r) => `${r.ok ? 'ok' : 'FAIL'} ${r.name}`).join('\n')}`);
    window.__results = results;
  },
  (error) => {
    // runSuite catches per case, so this is a bug in the suite or the page: report it as
    // a failed "case" so the test shows the error instead of timing out.
    show(`suite crashed: ${error}`);
    window.__results = [{ name: 'the suite runs', ok: false, error: String(error?.stack ?? error) }];
  },
);
