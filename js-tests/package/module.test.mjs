// The packed module itself: what the tarball ships and exports, one shared instance for
// `require` and `import`, the DmsError class, and no secret in anything printed about a
// client.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { installedPackageDir, loadPackage } from '../support/load-package.mjs';
import { KEY, SECRETS, STS, emulatorFixture } from '../support/emulator.mjs';
import { assertDmsError, assertNoSecrets } from '../support/assertions.mjs';

const { cjs, esm, variants } = await loadPackage();
const emu = await emulatorFixture();
const EXPORTS = ['DmsClient', 'DmsError', 'InstanceStatus', 'instanceStatusName', 'resumeTaskFlowInstance', 'signRequest', 'stopTaskFlowInstance', 'wasmMemoryBytes'];

/** Every file under `dir`, relative, with '/' separators. */
function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe('the tarball and its exports map', () => {
  const manifest = JSON.parse(readFileSync(join(installedPackageDir, 'package.json'), 'utf8'));
  const files = listFiles(installedPackageDir);

  test('ships the wasm and the JS entry points, and no sources or tests', () => {
    for (const needed of ['dist/node.cjs', 'dist/node.mjs', 'dist/web.mjs', 'dist/workerd.mjs', 'dist/edge-light.mjs', 'dist/dms_taskflow_bg.wasm', 'types/index.d.ts', 'types/index.d.mts', 'types/operations.d.ts']) {
      assert.ok(files.includes(needed), `the tarball lacks ${needed}`);
    }
    for (const file of files) {
      assert.doesNotMatch(file, /^(src|js|pkg|js-tests|tests|scripts|target|\.scratch)\//, `the tarball should not ship ${file}`);
    }
  });

  test('every file package.json points to (main, types, exports) is in the tarball', () => {
    const targets = new Set([manifest.main, manifest.types].filter(Boolean));
    const walk = (value) => {
      if (typeof value === 'string') targets.add(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(manifest.exports);
    const missing = [...targets].filter((target) => !existsSync(join(installedPackageDir, target)));
    assert.deepEqual(missing, [], `package.json points to files the tarball does not ship: ${missing.join(', ')}`);
  });

  test('require resolves to dist/node.cjs; internal paths are not exported', () => {
    const require = createRequire(join(installedPackageDir, '..', '..', 'load.cjs'));
    assert.equal(require.resolve('dms-taskflow'), join(installedPackageDir, 'dist/node.cjs'));
    assert.equal(require('dms-taskflow/package.json').name, 'dms-taskflow');
    assert.throws(() => require('dms-taskflow/dist/node.cjs'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
    assert.equal(require.resolve('dms-taskflow/wasm'), join(installedPackageDir, 'dist/dms_taskflow_bg.wasm'));
  });

  test('require and import expose the same names', () => {
    assert.deepEqual(Object.keys(cjs).sort(), EXPORTS);
    assert.deepEqual(Object.keys(esm).sort(), EXPORTS);
    assert.equal(esm[Symbol.toStringTag], 'Module');
    for (const name of EXPORTS) assert.equal(typeof cjs[name], name === 'InstanceStatus' ? 'object' : 'function', name);
  });

  test('one wasm build, read by every entry: dist/dms_taskflow_bg.wasm', () => {
    const wasmFiles = files.filter((file) => file.endsWith('.wasm'));
    assert.deepEqual(wasmFiles, ['dist/dms_taskflow_bg.wasm']);
    const nodeEntry = readFileSync(join(installedPackageDir, 'dist/node.cjs'), 'utf8');
    assert.deepEqual(nodeEntry.match(/dms_taskflow\w*\.wasm/g), ['dms_taskflow_bg.wasm']);
  });

  test('classes and functions keep their names (inspect output, stack traces)', () => {
    for (const name of EXPORTS.filter((n) => n !== 'InstanceStatus')) assert.equal(cjs[name].name, name);
  });

  test('import re-exports the CommonJS instance: one DmsError class, one DmsClient', () => {
    for (const name of EXPORTS) assert.equal(esm[name], cjs[name], `${name} is the same object`);
  });
});

for (const [label, mod] of variants) {
  const other = label === 'cjs' ? esm : cjs;

  describe(`${label}: DmsError`, () => {
    test('a rejection is a DmsError of this module, and of the other load too', async () => {
      const client = new mod.DmsClient({ ...KEY, endpoint: emu.url });
      const error = await client.resumeTaskFlowInstance({ dagId: 1001, dagInstanceId: 5003, dagVersion: '3' }).then(
        () => assert.fail('resuming a succeeded instance must fail'),
        (e) => e,
      );
      assertDmsError(error, mod.DmsError, { code: 'InvalidStatus', status: 200, retryable: false });
      assert.ok(error instanceof other.DmsError, 'the same class through require and import');
      assert.equal(error.constructor, mod.DmsError);
      assert.equal(Object.getPrototypeOf(error), mod.DmsError.prototype);
      assert.equal(error.name, 'DmsError');
      assert.ok(!Object.keys(error).includes('name'), 'name comes from the prototype');
      assert.match(String(error.stack), /^DmsError: /);
      assert.equal(String(error), `DmsError: ${error.message}`);

      const json = JSON.parse(JSON.stringify(error));
      assert.equal(json.code, 'InvalidStatus');
      assert.equal(json.message, error.message);
      assert.equal(json.name, 'DmsError');
      assert.equal(json.status, 200);
      assert.equal(json.requestId, error.requestId);
      assert.equal(json.retryable, false);
    });

    test('a synchronous throw (constructor) and a client-side rejection are DmsErrors too', async () => {
      assert.throws(
        () => new mod.DmsClient({ endpoint: 'ftp://x' }),
        (e) => e instanceof mod.DmsError && e instanceof other.DmsError && e.code === 'InvalidParameter',
      );
      const error = await mod.stopTaskFlowInstance({ dagId: 'x' }).catch((e) => e);
      assertDmsError(error, mod.DmsError, { code: 'InvalidParameter', status: 'absent' });
      const json = JSON.parse(JSON.stringify(error));
      assert.equal(json.code, 'InvalidParameter');
      assert.equal(json.message, error.message);
      assert.ok(json.message.startsWith('dagId must be an id'));
    });

    test('users can construct one (for their own fakes and tests)', () => {
      const error = new mod.DmsError({ code: 'Throttling.User', message: 'slow down', status: 400, requestId: 'R1', retryable: true });
      assertDmsError(error, mod.DmsError, { code: 'Throttling.User', status: 400, requestId: 'R1', retryable: true, message: 'slow down' });
      const bare = new mod.DmsError();
      assert.equal(bare.code, 'UnknownError');
      assert.equal(bare.message, '');
      assert.equal(bare.retryable, false);
      assert.ok(!Object.hasOwn(bare, 'status'));
    });
  });

  describe(`${label}: nothing printed about a client shows a secret`, () => {
    const cases = [
      ['long-term key', { ...KEY, endpoint: emu.url }],
      ['STS key', { ...STS, endpoint: emu.url }],
      ['key with the default endpoint', { ...KEY }],
    ];
    for (const [name, options] of cases) {
      test(name, () => {
        const client = new mod.DmsClient(options);
        const renderings = {
          inspect: inspect(client),
          inspectDeep: inspect(client, { showHidden: true, depth: Infinity, getters: true }),
          inspectRaw: inspect(client, { customInspect: false, showHidden: true, depth: Infinity }),
          json: JSON.stringify(client),
          string: String(client),
          template: `${client}`,
          concat: '' + client, // eslint-disable-line prefer-template
          entries: JSON.stringify(Object.entries(client), (_, v) => (typeof v === 'bigint' ? String(v) : v)),
        };
        const secrets = [...SECRETS, options.accessKeySecret, options.securityToken].filter(Boolean);
        for (const [how, text] of Object.entries(renderings)) assertNoSecrets(text, secrets, how);
        // They do say where the client sends and that credentials are set.
        const endpoint = options.endpoint ? `${options.endpoint}/` : 'https://dms-enterprise.aliyuncs.com/';
        assert.equal(renderings.string, `DmsClient { endpoint: ${endpoint}, credentials: set }`);
        assert.equal(renderings.inspect, renderings.string);
        assert.deepEqual(JSON.parse(renderings.json), { endpoint, credentials: 'set', maxAttempts: 3, timeoutMs: 30000 });
      });
    }

    test('option errors never quote a secret, even a malformed one', () => {
      for (const options of [
        { accessKeyId: KEY.accessKeyId, accessKeySecret: ` ${KEY.accessKeySecret} ` },
        { accessKeyId: KEY.accessKeyId, accessKeySecret: `${KEY.accessKeySecret}\n` },
        { ...STS, securityToken: `${STS.securityToken}\u0000` },
        { ...KEY, accessKeyID: KEY.accessKeySecret },
      ]) {
        assert.throws(
          () => new mod.DmsClient(options),
          (e) => {
            assertDmsError(e, mod.DmsError, { code: 'InvalidParameter' });
            assertNoSecrets(e.message, SECRETS, 'message');
            assertNoSecrets(JSON.stringify(e), SECRETS, 'JSON');
            assertNoSecrets(inspect(e), SECRETS, 'inspect');
            return true;
          },
        );
      }
    });
  });
}

for (const [label, mod] of variants) {
  describe(`${label}: the client cannot be misused into breaking the module`, () => {
    test('a method called on a wrong `this` rejects with a DmsError, many times over, and the module keeps working', async () => {
      const client = new mod.DmsClient({ ...KEY, endpoint: emu.url });
      const before = emu.requestCount;
      for (let i = 0; i < 20_000; i++) {
        const receiver = [undefined, null, {}, Object.create(mod.DmsClient.prototype), 42][i % 5];
        const promise = mod.DmsClient.prototype.stopTaskFlowInstance.call(receiver, { dagId: 1001, dagInstanceId: 5001 });
        if (i % 1000 === 0) {
          const error = await promise.then(() => assert.fail('must reject'), (e) => e);
          assertDmsError(error, mod.DmsError, { code: 'InvalidParameter', status: 'absent' });
          assert.equal(error.message, 'DmsClient.stopTaskFlowInstance was called on something that is not a DmsClient');
        } else {
          promise.catch(() => {});
        }
      }
      assert.equal(emu.requestCount, before, 'nothing was sent');
      assert.equal(typeof client.free, 'undefined', 'the wasm object cannot be freed from under the client');
      emu.addInstance({ dagId: '1001', dagInstanceId: '7777', status: 'running', dagVersion: '3' });
      const result = await client.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 7777 });
      assert.equal(result.success, true);
    });
  });
}
