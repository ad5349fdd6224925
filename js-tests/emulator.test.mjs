// Tests of the local DMS emulator (emulator/): its reference signer against the
// published vectors, every gateway check, the task-flow state machine, exact
// ids beyond 2^53, and the server's lifecycle. Run: node --test js-tests/emulator.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  canonicalQuery,
  hmacSha1Base64,
  percentEncode,
  rpcStringToSign,
  signRpc,
} from '../emulator/signature.mjs';
import { DEFAULT_ACCOUNTS, DEFAULT_SEED, startEmulator } from '../emulator/index.mjs';
import {
  REQUEST_ID,
  assertGateway as assertGatewayAnswer,
  assertSuccess as assertSuccessAnswer,
  buildParams,
  call,
  formEncode,
  isoSeconds,
  runNode,
  send,
  withEmulator,
} from './support/emulator-requests.mjs';

const KEY = DEFAULT_ACCOUNTS[0];
const STS = DEFAULT_ACCOUNTS[1];
const MINUTE = 60 * 1000;
const INDEX_URL = new URL('../emulator/index.mjs', import.meta.url).href;
const CLI_PATH = fileURLToPath(new URL('../emulator/cli.mjs', import.meta.url));

// --- helpers ----------------------------------------------------------------
// Requests are built, signed and sent with ./support/emulator-requests.mjs: buildParams,
// call(emu, action, opParams, options) (a signed request; options: method, account,
// secret, nonce, timestamp, overrides, omit, afterSign, url) and send(url, options).

/** A gateway error, its Recommend URL included. */
const assertGateway = (res, status, code) => assertGatewayAnswer(res, status, code, { recommend: true });

/** A success with the whole business envelope (empty ErrorCode/ErrorMessage, RequestId). */
const assertSuccess = (res) => assertSuccessAnswer(res, { envelope: true });

function assertBusinessFailure(res, errorCode) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.Success, false, res.text);
  assert.equal(res.json.ErrorCode, errorCode, res.text);
  assert.equal(typeof res.json.ErrorMessage, 'string');
  assert.match(res.json.RequestId, REQUEST_ID);
}

const instanceIds = (dagId, dagInstanceId) => ({ DagId: dagId, DagInstanceId: dagInstanceId });

// --- the reference signer ---------------------------------------------------

describe('signature.mjs reproduces the published vectors', () => {
  test('HMAC-SHA1 primitive, raw key "secret"', () => {
    assert.equal(hmacSha1Base64('secret', 'source'), 'Jv4yi8SobFhg5t1C7nWLbhBSFZQ=');
    assert.equal(hmacSha1Base64('secret', '中文unicode'), 'szlfHs3WVaO/HgY3Cg7/uyXDaRw=');
    assert.equal(hmacSha1Base64('secret', 'stringtosign'), 'OmuTAr79tpI6CRoAdmzKRq5lHs0=');
  });

  test('vendor doc example (DescribeRegions, GET)', () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    assert.equal(
      rpcStringToSign('GET', params),
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    assert.equal(signRpc('GET', params, 'testsecret'), 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    // Signature itself is never signed.
    assert.equal(signRpc('GET', { ...params, Signature: 'whatever' }, 'testsecret'), 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  test('vendor util tests', () => {
    assert.equal(signRpc('', { test: 'ok' }, 'accessKeySecret'), 'jHx/oHoHNrbVfhncHEvPdHXZwHU=');
    assert.equal(signRpc('GET', { query: 'test', body: 'test' }, 'secret'), 'XlUyV4sXjOuX5FnjUz9IF9tm5rU=');
  });

  test('percent-encoding', () => {
    assert.equal(percentEncode("a b*c~d!'()+/:"), 'a%20b%2Ac~d%21%27%28%29%2B%2F%3A');
    assert.equal(percentEncode('中'), '%E4%B8%AD');
    assert.equal(percentEncode('AZaz09-_.~'), 'AZaz09-_.~');
    assert.equal(percentEncode('😀'), '%F0%9F%98%80');
  });

  test('canonicalQuery sorts names by UTF-8 bytes and drops Signature', () => {
    // Byte order: upper case before lower case, ASCII before non-ASCII, and
    // U+FF61 (EF BD A1) before U+1F600 (F0 ...), although UTF-16 order is the reverse.
    const params = { '\u{1F600}': '1', '\uFF61': '2', b: '3', a: '4', B: '5', Signature: 'x', '\u00E4': '6' };
    assert.ok('\u{1F600}' < '\uFF61'); // UTF-16 order
    assert.equal(canonicalQuery(params), 'B=5&a=4&b=3&%C3%A4=6&%EF%BD%A1=2&%F0%9F%98%80=1');
  });
});

// --- gateway checks -----------------------------------------------------------

describe('gateway checks', () => {
  test('a valid signed POST succeeds, with Date and a fresh upper-case RequestId', async () => {
    const fixed = Date.UTC(2030, 0, 2, 3, 4, 5);
    await withEmulator({ clock: () => fixed }, async (emu) => {
      const first = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { timestamp: isoSeconds(fixed) });
      assertSuccess(first);
      assert.equal(first.headers.get('date'), new Date(fixed).toUTCString());
      assert.equal(first.headers.get('content-type'), 'application/json;charset=utf-8');
      const second = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5002'), { timestamp: isoSeconds(fixed) });
      assertSuccess(second);
      assert.notEqual(first.json.RequestId, second.json.RequestId);
    });
  });

  test('1. HTTP method: only POST and GET', async () => {
    await withEmulator({}, async (emu) => {
      for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        assertGateway(await send(emu.url, { method, body: method === 'OPTIONS' ? undefined : 'x=1' }), 405, 'UnsupportedHTTPMethod');
      }
      const get = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { method: 'GET' });
      assertSuccess(get);
    });
  });

  test('1. path: only /', async () => {
    await withEmulator({}, async (emu) => {
      for (const path of ['/x', '/api', '//', '/%2F', '/%%%']) {
        const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { url: emu.url + path });
        assertGateway(res, 404, 'InvalidApi.NotFound');
      }
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
    });
  });

  test('2. parameters: POST merges the query string and the form body, the body winning', async () => {
    await withEmulator({}, async (emu) => {
      const params = buildParams('StopTaskFlowInstance', instanceIds('1001', '5001'));
      params.Signature = signRpc('POST', params, KEY.accessKeySecret);
      const { Action, Version, ...rest } = params;
      // The query names 5003 too; the body's 5001 is the one that counts (and was signed).
      const url = `${emu.url}/?${formEncode({ Action, Version, DagInstanceId: '5003' })}`;
      const res = await send(url, { params: rest });
      assertSuccess(res);
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');
      assert.equal(emu.getInstance('1001', '5003').status, 'succeeded');
    });
  });

  test('2. parameters: a GET body is ignored; a GET signed as POST does not match', async () => {
    await withEmulator({}, async (emu) => {
      const params = buildParams('StopTaskFlowInstance', instanceIds('1001', '5001'));
      params.Signature = signRpc('POST', params, KEY.accessKeySecret);
      assertGateway(await send(emu.url, { method: 'GET', params }), 400, 'SignatureDoesNotMatch');
    });
  });

  test('2. parameters: bad encodings, duplicates, wrong content type, garbage: 400, gateway-shaped', async () => {
    await withEmulator({}, async (emu) => {
      const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
      assertGateway(await send(emu.url, { body: 'Action=%ZZ', headers: form }), 400, 'InvalidParameter.Encoding');
      assertGateway(await send(emu.url, { body: 'Action=abc%4', headers: form }), 400, 'InvalidParameter.Encoding');
      assertGateway(await send(emu.url, { body: 'Action=%E4%B8', headers: form }), 400, 'InvalidParameter.Encoding');
      assertGateway(await send(`${emu.url}/?a=%C3%28`, { method: 'GET' }), 400, 'InvalidParameter.Encoding');
      assertGateway(await send(emu.url, { body: 'Action=a&Action=b', headers: form }), 400, 'InvalidParameter');
      const json = await send(emu.url, { body: '{"Action":"StopTaskFlowInstance"}', headers: { 'Content-Type': 'application/json' } });
      assertGateway(json, 400, 'InvalidParameter.ContentType');
      for (let i = 0; i < 20; i++) {
        const res = await send(emu.url, { body: randomBytes(4096), headers: form });
        assert.equal(res.status, 400, res.text);
        assert.match(res.json.RequestId, REQUEST_ID);
      }
      // An empty POST is just missing everything.
      assertGateway(await send(emu.url, { body: '', headers: form }), 400, 'MissingParameter');
      // And the server still answers properly afterwards.
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001')));
    });
  });

  test('2. parameters: a body over 1 MB gets 413 and the server stays up', async () => {
    await withEmulator({}, async (emu) => {
      const body = 'Action=' + 'A'.repeat(2 * 1024 * 1024);
      const res = await send(emu.url, { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assertGateway(res, 413, 'RequestEntityTooLarge');
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001')));
    });
  });

  test('2. malformed HTTP gets a gateway-shaped 400 and does not stop the server', async () => {
    await withEmulator({}, async (emu) => {
      const raw = await new Promise((resolve, reject) => {
        const socket = connect(emu.port, '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'));
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      assert.match(raw, /^HTTP\/1\.1 400 /);
      assert.match(raw, /"HostId":"dms-enterprise\.aliyuncs\.com"/);
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001')));
    });
  });

  test('3. each missing common parameter is named in a 400 MissingParameter', async () => {
    await withEmulator({}, async (emu) => {
      const names = ['Action', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature'];
      for (const name of names) {
        const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { omit: [name] });
        assertGateway(res, 400, 'MissingParameter');
        assert.equal(
          res.json.Message,
          `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
        );
      }
      // An empty value is as good as missing.
      const empty = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { overrides: { SignatureNonce: '' } });
      assertGateway(empty, 400, 'MissingParameter');
      assert.match(empty.json.Message, /"SignatureNonce"/);
    });
  });

  test('3. Format is optional, JSON or XML; Version, SignatureMethod, SignatureVersion are fixed', async () => {
    await withEmulator({}, async (emu) => {
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { omit: ['Format'] }));
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5002'), { overrides: { Format: 'XML' } }));
      const cases = [
        [{ Format: 'YAML' }, 'InvalidParameter.Format'],
        [{ Version: '2014-05-26' }, 'InvalidVersion'],
        [{ SignatureMethod: 'HMAC-SHA256' }, 'InvalidSignatureMethod'],
        [{ SignatureVersion: '2.0' }, 'InvalidSignatureVersion'],
      ];
      for (const [overrides, code] of cases) {
        assertGateway(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5003'), { overrides }), 400, code);
      }
    });
  });

  test('4. Timestamp: exactly YYYY-MM-DDThh:mm:ssZ', async () => {
    const now = Date.UTC(2030, 5, 15, 12, 0, 0);
    await withEmulator({ clock: () => now }, async (emu) => {
      const bad = [
        '2030-06-15T12:00:00.000Z',
        '2030-06-15 12:00:00Z',
        '2030-06-15T12:00:00',
        '2030-06-15T12:00:00+00:00',
        '2030-6-15T12:00:00Z',
        '2030-13-15T12:00:00Z',
        '2030-02-30T12:00:00Z',
        '2030-06-15T24:00:00Z',
        String(now),
      ];
      for (const timestamp of bad) {
        const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { timestamp });
        assertGateway(res, 400, 'InvalidTimeStamp.Format');
      }
    });
  });

  test('4. Timestamp: at most 15 minutes from the server clock, either way', async () => {
    const now = Date.UTC(2030, 5, 15, 12, 0, 0);
    await withEmulator({ clock: () => now }, async (emu) => {
      const at = (offset) => ({ timestamp: isoSeconds(now + offset) });
      for (const offset of [-15 * MINUTE - 1000, 15 * MINUTE + 1000, -24 * 60 * MINUTE]) {
        const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), at(offset));
        assertGateway(res, 400, 'InvalidTimeStamp.Expired');
        assert.equal(res.json.Message, 'Specified time stamp or date value is expired.');
      }
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), at(-15 * MINUTE)));
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5002'), at(15 * MINUTE)));
    });
  });

  test('4. a skewed server clock: Expired, then the Date header gives the right time', async () => {
    await withEmulator({ clock: () => Date.now() + 60 * MINUTE }, async (emu) => {
      const stale = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      assertGateway(stale, 400, 'InvalidTimeStamp.Expired');
      const serverNow = Date.parse(stale.headers.get('date'));
      assert.ok(Math.abs(serverNow - (Date.now() + 60 * MINUTE)) < 5000);
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { timestamp: isoSeconds(serverNow) }));
    });
  });

  test('5. an unknown AccessKeyId: 404 InvalidAccessKeyId.NotFound', async () => {
    await withEmulator({}, async (emu) => {
      const stranger = { accessKeyId: 'LTAI5tSomebodyElse', accessKeySecret: 'x' };
      const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { account: stranger });
      assertGateway(res, 404, 'InvalidAccessKeyId.NotFound');
      assert.equal(res.json.Message, 'Specified access key is not found.');
    });
  });

  test('6. STS: the token is required, must match, and is refused for long-term keys', async () => {
    await withEmulator({}, async (emu) => {
      const ids = instanceIds('1001', '5001');
      assertGateway(await call(emu, 'StopTaskFlowInstance', ids, { account: STS, omit: ['SecurityToken'] }), 400, 'MissingSecurityToken');
      assertGateway(
        await call(emu, 'StopTaskFlowInstance', ids, { account: STS, overrides: { SecurityToken: 'stolen' } }),
        400,
        'InvalidSecurityToken.Mismatch',
      );
      assertGateway(
        await call(emu, 'StopTaskFlowInstance', ids, { overrides: { SecurityToken: STS.securityToken } }),
        400,
        'InvalidSecurityToken.Malformed',
      );
      const ok = await call(emu, 'StopTaskFlowInstance', ids, { account: STS });
      assertSuccess(ok);
      assert.equal(ok.params.SecurityToken, 'emulator-sts-token');
    });
  });

  test('7. a wrong signature: 400 SignatureDoesNotMatch echoing the server string to sign', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { secret: 'not-the-secret' });
      assertGateway(res, 400, 'SignatureDoesNotMatch');
      const { Signature, ...signed } = res.params;
      assert.equal(
        res.json.Message,
        'Specified signature is not matched with our calculation. server string to sign is:' + rpcStringToSign('POST', signed),
      );
      // A parameter changed after signing.
      const tampered = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), {
        afterSign: (params) => ({ ...params, DagInstanceId: '5002' }),
      });
      assertGateway(tampered, 400, 'SignatureDoesNotMatch');
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      // A signature holding '+' sent unencoded arrives as a space (form decoding).
      let params;
      do {
        params = buildParams('StopTaskFlowInstance', instanceIds('1001', '5001'));
        params.Signature = signRpc('POST', params, KEY.accessKeySecret);
      } while (!params.Signature.includes('+'));
      const body = formEncode(params).replace(/%2B/g, '+');
      const raw = await send(emu.url, { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assertGateway(raw, 400, 'SignatureDoesNotMatch');
      assertSuccess(await send(emu.url, { params }));
      assert.equal(emu.getInstance('1001', '5002').status, 'suspended');
    });
  });

  test('7. non-ASCII parameter values are signed over their UTF-8 bytes', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'UpdateTaskFlowNameAndDesc', { DagId: '1001', DagName: '任务流 *(!)~', Description: "a+b c'd" });
      assertBusinessFailure(res, 'NotImplementedInEmulator');
      assert.equal(emu.requests.at(-1).params.DagName, '任务流 *(!)~');
      assert.equal(emu.requests.at(-1).params.Description, "a+b c'd");
    });
  });

  test('8. nonces: reuse refused per key, recorded only once the signature is valid, forgotten after 15 min', async () => {
    let now = Date.UTC(2030, 5, 15, 12, 0, 0);
    await withEmulator({ clock: () => now }, async (emu) => {
      const nonce = 'nonce-' + randomUUID();
      const at = () => ({ nonce, timestamp: isoSeconds(now) });
      // A badly signed request does not burn the nonce.
      assertGateway(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { ...at(), secret: 'bad' }), 400, 'SignatureDoesNotMatch');
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), at()));
      const reused = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5002'), at());
      assertGateway(reused, 400, 'SignatureNonceUsed');
      assert.equal(reused.json.Message, 'Specified signature nonce was used already.');
      assert.equal(emu.getInstance('1001', '5002').status, 'suspended');
      // Another key has its own nonces.
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5002'), { ...at(), account: STS }));
      // A validly signed request that fails later still uses its nonce.
      const other = 'nonce-' + randomUUID();
      assertGateway(await call(emu, 'NoSuchAction', {}, { nonce: other, timestamp: isoSeconds(now) }), 404, 'InvalidApi.NotFound');
      assertGateway(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { nonce: other, timestamp: isoSeconds(now) }), 400, 'SignatureNonceUsed');
      // After 15 minutes the nonce is forgotten (a replay of the old request would be expired anyway).
      now += 16 * MINUTE;
      assertBusinessFailure(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), at()), 'InvalidStatus');
    });
  });

  test('9. an action not in the table: 404 InvalidApi.NotFound', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'DescribeRegions');
      assertGateway(res, 404, 'InvalidApi.NotFound');
      assert.equal(res.json.Message, 'Specified api is not found, please check your url and method.');
      assertGateway(await call(emu, 'stopTaskFlowInstance', instanceIds('1001', '5001')), 404, 'InvalidApi.NotFound');
    });
  });

  test('10. unknown parameters are refused by default, accepted with strictParams: false', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'StopTaskFlowInstance', { ...instanceIds('1001', '5001'), DagInstanceID: '5001' });
      assertGateway(res, 400, 'InvalidParameter');
      assert.match(res.json.Message, /"DagInstanceID"/);
      assertGateway(await call(emu, 'StopTaskFlowInstance', { ...instanceIds('1001', '5001'), RegionId: 'cn-hangzhou' }), 400, 'InvalidParameter');
    });
    await withEmulator({ strictParams: false }, async (emu) => {
      assertSuccess(await call(emu, 'StopTaskFlowInstance', { ...instanceIds('1001', '5001'), RegionId: 'cn-hangzhou' }));
    });
  });

  test('10. a missing required parameter is named', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'ResumeTaskFlowInstance', instanceIds('1001', '5002'));
      assertGateway(res, 400, 'MissingParameter');
      assert.equal(res.json.Message, 'The input parameter "DagVersion" that is mandatory for processing this request is not supplied.');
      const noDag = await call(emu, 'StopTaskFlowInstance', { DagInstanceId: '5001' });
      assertGateway(noDag, 400, 'MissingParameter');
      assert.match(noDag.json.Message, /"DagId"/);
      // Optional ones may be left out (Tid) or given.
      assertSuccess(await call(emu, 'StopTaskFlowInstance', { ...instanceIds('1001', '5001'), Tid: '3000' }));
    });
  });

  test('10. numbers are decimal int64 text; booleans true/false; JSON-string params parse to the right shape', async () => {
    await withEmulator({}, async (emu) => {
      for (const DagId of ['abc', '1.5', '+1', ' 1', '1 ', '1e3', '0x10', '9223372036854775808', '-9223372036854775809', '１']) {
        const res = await call(emu, 'StopTaskFlowInstance', { DagId, DagInstanceId: '5001' });
        assertGateway(res, 400, 'InvalidParameter');
        assert.match(res.json.Message, /"DagId"/);
      }
      assertGateway(await call(emu, 'StopTaskFlowInstance', { ...instanceIds('1001', '5001'), Tid: '' }), 400, 'InvalidParameter');
      // In range but unknown: the type check passes and the business layer answers.
      for (const DagId of ['9223372036854775807', '-9223372036854775808', '-1', '0']) {
        assertBusinessFailure(await call(emu, 'StopTaskFlowInstance', { DagId, DagInstanceId: '5001' }), 'InvalidDagInstance');
      }
      assertGateway(await call(emu, 'BackFill', { DagId: '1001', Asc: 'yes' }), 400, 'InvalidParameter');
      assertGateway(await call(emu, 'BackFill', { DagId: '1001', Asc: 'TRUE' }), 400, 'InvalidParameter');
      assertBusinessFailure(await call(emu, 'BackFill', { DagId: '1001', Asc: 'true' }), 'NotImplementedInEmulator');
      for (const Edges of ['not json', '"a string"', '42', 'null', '{"NodeFrom":1}']) {
        const res = await call(emu, 'AddTaskFlowEdges', { DagId: '1001', Edges });
        assertGateway(res, 400, 'InvalidParameter');
        assert.match(res.json.Message, /"Edges"/);
      }
      const edges = await call(emu, 'AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":1,"NodeEnd":2}]' });
      assertBusinessFailure(edges, 'NotImplementedInEmulator');
    });
  });

  test('checks answer in the gateway order: the first failure wins', async () => {
    await withEmulator({}, async (emu) => {
      const ids = instanceIds('1001', '5001');
      const stale = isoSeconds(Date.now() - 60 * MINUTE);
      const stranger = { accessKeyId: 'Nobody', accessKeySecret: 'x' };
      const cases = [
        [{ overrides: { Version: 'x' }, timestamp: stale }, 400, 'InvalidVersion'],
        [{ timestamp: stale, account: stranger }, 400, 'InvalidTimeStamp.Expired'],
        [{ account: stranger, secret: 'bad' }, 404, 'InvalidAccessKeyId.NotFound'],
        [{ account: STS, omit: ['SecurityToken'], secret: 'bad' }, 400, 'MissingSecurityToken'],
        [{ secret: 'bad', overrides: { Action: 'NoSuchAction' } }, 400, 'SignatureDoesNotMatch'],
        [{ overrides: { Action: 'NoSuchAction', Bogus: '1' } }, 404, 'InvalidApi.NotFound'],
        [{ overrides: { Bogus: '1' }, omit: ['DagId'] }, 400, 'InvalidParameter'],
        [{ omit: ['DagId'], overrides: { DagInstanceId: 'x' } }, 400, 'MissingParameter'],
      ];
      for (const [options, status, code] of cases) {
        assertGateway(await call(emu, 'StopTaskFlowInstance', ids, options), status, code);
      }
      const nonce = randomUUID();
      assertSuccess(await call(emu, 'StopTaskFlowInstance', ids, { nonce }));
      assertGateway(await call(emu, 'NoSuchAction', {}, { nonce }), 400, 'SignatureNonceUsed');
      assert.equal(emu.requests.filter((r) => r.status === 200).length, 1);
    });
  });
});

// --- the state machine ----------------------------------------------------------

describe('task-flow state machine', () => {
  test('StopTaskFlowInstance: running|suspended -> stopped, else InvalidStatus', async () => {
    await withEmulator({}, async (emu) => {
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001')));
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5002')));
      assert.equal(emu.getInstance('1001', '5002').status, 'stopped');
      for (const [id, status] of [['5001', 'stopped'], ['5003', 'succeeded'], ['5004', 'stopped'], ['5005', 'failed']]) {
        const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', id));
        assertBusinessFailure(res, 'InvalidStatus');
        assert.match(res.json.ErrorMessage, new RegExp(`is ${status} and cannot be stopped`));
        assert.equal(emu.getInstance('1001', id).status, status);
      }
    });
  });

  test('an unknown instance, or a known one under another task flow, is InvalidDagInstance', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1002', '5001'));
      assertBusinessFailure(res, 'InvalidDagInstance');
      assert.match(res.json.ErrorMessage, /5001/);
      assert.match(res.json.ErrorMessage, /1002/);
      assertBusinessFailure(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '6000')), 'InvalidDagInstance');
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
    });
  });

  test('ResumeTaskFlowInstance: suspended -> running at the right DagVersion', async () => {
    await withEmulator({}, async (emu) => {
      const wrong = await call(emu, 'ResumeTaskFlowInstance', { ...instanceIds('1001', '5002'), DagVersion: '2' });
      assertBusinessFailure(wrong, 'InvalidDagVersion');
      assert.equal(emu.getInstance('1001', '5002').status, 'suspended');
      assertSuccess(await call(emu, 'ResumeTaskFlowInstance', { ...instanceIds('1001', '5002'), DagVersion: '3' }));
      assert.equal(emu.getInstance('1001', '5002').status, 'running');
      for (const id of ['5001', '5002', '5003', '5004', '5005']) {
        assertBusinessFailure(await call(emu, 'ResumeTaskFlowInstance', { ...instanceIds('1001', id), DagVersion: '3' }), 'InvalidStatus');
      }
      assertBusinessFailure(await call(emu, 'ResumeTaskFlowInstance', { ...instanceIds('1003', '5002'), DagVersion: '3' }), 'InvalidDagInstance');
    });
  });

  test('Suspend, ReRun and MakeTaskFlowInstanceSuccess', async () => {
    await withEmulator({}, async (emu) => {
      assertSuccess(await call(emu, 'SuspendTaskFlowInstance', instanceIds('1001', '5001')));
      assert.equal(emu.getInstance('1001', '5001').status, 'suspended');
      assertBusinessFailure(await call(emu, 'SuspendTaskFlowInstance', instanceIds('1001', '5001')), 'InvalidStatus');

      assertBusinessFailure(await call(emu, 'ReRunTaskFlowInstance', instanceIds('1001', '5001')), 'InvalidStatus');
      assertBusinessFailure(await call(emu, 'ReRunTaskFlowInstance', { ...instanceIds('1001', '5004'), DagVersion: '9' }), 'InvalidDagVersion');
      assertSuccess(await call(emu, 'ReRunTaskFlowInstance', { ...instanceIds('1001', '5004'), DagVersion: '3' }));
      assertSuccess(await call(emu, 'ReRunTaskFlowInstance', instanceIds('1001', '5005')));
      assertSuccess(await call(emu, 'ReRunTaskFlowInstance', instanceIds('1001', '5003')));
      for (const id of ['5003', '5004', '5005']) assert.equal(emu.getInstance('1001', id).status, 'running');

      assertSuccess(await call(emu, 'MakeTaskFlowInstanceSuccess', instanceIds('1001', '5001')));
      assert.equal(emu.getInstance('1001', '5001').status, 'succeeded');
      assertBusinessFailure(await call(emu, 'MakeTaskFlowInstanceSuccess', instanceIds('1001', '5001')), 'InvalidStatus');
    });
  });

  test('ListTaskFlowInstance: the DMS shape, filtered and paged', async () => {
    await withEmulator({}, async (emu) => {
      const all = await call(emu, 'ListTaskFlowInstance', { DagId: '1001', PageIndex: '1', PageSize: '20' });
      assertSuccess(all);
      assert.equal(all.json.TotalCount, 5);
      const list = all.json.DAGInstanceList.DAGInstance;
      assert.deepEqual(list.map((i) => i.Id), [5001, 5002, 5003, 5004, 5005]);
      assert.deepEqual(list.map((i) => i.Status), [1, 2, 4, 5, 3]);
      assert.ok(list.every((i) => i.DagId === '1001' && i.DagVersion === '3'));

      const page = await call(emu, 'ListTaskFlowInstance', { DagId: '1001', PageIndex: '2', PageSize: '2' });
      assert.equal(page.json.TotalCount, 5);
      assert.deepEqual(page.json.DAGInstanceList.DAGInstance.map((i) => i.Id), [5003, 5004]);

      const suspended = await call(emu, 'ListTaskFlowInstance', { DagId: '1001', PageIndex: '1', PageSize: '20', Status: '2' });
      assert.deepEqual(suspended.json.DAGInstanceList.DAGInstance.map((i) => i.Id), [5002]);

      const none = await call(emu, 'ListTaskFlowInstance', { DagId: '42', PageIndex: '1', PageSize: '20' });
      assert.equal(none.json.TotalCount, 0);
      assert.deepEqual(none.json.DAGInstanceList.DAGInstance, []);
    });
  });

  test('every other action of the table passes the checks and answers NotImplementedInEmulator', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'ListTaskFlow', {});
      assertBusinessFailure(res, 'NotImplementedInEmulator');
      assertBusinessFailure(await call(emu, 'DeleteTaskFlow', { DagId: '1001' }), 'NotImplementedInEmulator');
    });
  });

  test('addInstance and setInstanceStatus drive the same state', async () => {
    await withEmulator({}, async (emu) => {
      emu.addInstance({ dagId: 77n, dagInstanceId: '0088', status: 'failed', dagVersion: '1' });
      assert.deepEqual(emu.getInstance(77, 88), { dagId: '77', dagInstanceId: '88', status: 'failed', dagVersion: '1' });
      emu.setInstanceStatus('77', '88', 'running');
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('77', '88')));
      assert.equal(emu.getInstance('77', '88').status, 'stopped');
      assert.throws(() => emu.setInstanceStatus('77', '88', 'paused'), TypeError);
      assert.throws(() => emu.setInstanceStatus('77', '89', 'running'), RangeError);
      assert.equal(emu.getInstance('77', '89'), undefined);
      assert.throws(() => emu.getInstance('nope', '89'), TypeError);
      assert.throws(() => emu.getInstance(1.5, '89'), RangeError);
      // A copy: changing it changes nothing.
      emu.getInstance('77', '88').status = 'running';
      assert.equal(emu.getInstance('77', '88').status, 'stopped');
    });
  });

  test('custom accounts and seed', async () => {
    const accounts = [{ accessKeyId: 'TestKey', accessKeySecret: 'test-secret' }];
    const seed = { instances: [{ dagId: '1', dagInstanceId: '2', status: 'running', dagVersion: '5' }] };
    await withEmulator({ accounts, seed }, async (emu) => {
      assert.equal(emu.getInstance('1001', '5001'), undefined);
      assertGateway(await call(emu, 'StopTaskFlowInstance', instanceIds('1', '2')), 404, 'InvalidAccessKeyId.NotFound');
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1', '2'), { account: accounts[0] }));
    });
    await assert.rejects(startEmulator({ seed: { instances: [{ dagId: 1, dagInstanceId: 2, status: 'sleeping' }] } }), TypeError);
    await assert.rejects(startEmulator({ host: '0.0.0.0' }), TypeError);
  });
});

// --- ids beyond 2^53 ------------------------------------------------------------

describe('ids beyond 2^53 stay exact', () => {
  const BIG_DAG = '9007199254740995';
  const BIG_INSTANCE = '9007199254740993';

  test('the default seed holds them as strings', () => {
    const big = DEFAULT_SEED.instances.find((i) => i.dagId === BIG_DAG);
    assert.deepEqual(big, { dagId: BIG_DAG, dagInstanceId: BIG_INSTANCE, status: 'suspended', dagVersion: '7' });
    assert.ok(Object.isFrozen(DEFAULT_SEED));
  });

  test('Resume and Stop act on exactly that instance; its rounded neighbour does not exist', async () => {
    await withEmulator({}, async (emu) => {
      // 9007199254740993 as a Number is 9007199254740992.
      assert.equal(String(Number(BIG_INSTANCE)), '9007199254740992');
      const rounded = await call(emu, 'ResumeTaskFlowInstance', { ...instanceIds(BIG_DAG, '9007199254740992'), DagVersion: '7' });
      assertBusinessFailure(rounded, 'InvalidDagInstance');
      assert.match(rounded.json.ErrorMessage, /9007199254740992/);
      assertBusinessFailure(await call(emu, 'ResumeTaskFlowInstance', { ...instanceIds('9007199254740996', BIG_INSTANCE), DagVersion: '7' }), 'InvalidDagInstance');

      assertSuccess(await call(emu, 'ResumeTaskFlowInstance', { ...instanceIds(BIG_DAG, BIG_INSTANCE), DagVersion: '7' }));
      assert.equal(emu.getInstance(BIG_DAG, BIG_INSTANCE).status, 'running');
      assert.equal(emu.getInstance(BigInt(BIG_DAG), BigInt(BIG_INSTANCE)).status, 'running');
      // Leading zeros name the same id.
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('000' + BIG_DAG, '0' + BIG_INSTANCE)));
      assert.deepEqual(emu.getInstance(BIG_DAG, BIG_INSTANCE), { dagId: BIG_DAG, dagInstanceId: BIG_INSTANCE, status: 'stopped', dagVersion: '7' });
      const record = emu.requests.at(-1);
      assert.equal(record.params.DagInstanceId, '0' + BIG_INSTANCE); // recorded as sent
      // A Number beyond 2^53 has already lost the id: refused, not looked up.
      assert.throws(() => emu.getInstance(BIG_DAG, Number(BIG_INSTANCE)), RangeError);
      assert.throws(() => emu.setInstanceStatus(Number(BIG_DAG), BIG_INSTANCE, 'running'), RangeError);
    });
  });

  test('ListTaskFlowInstance writes Id as an exact number literal and DagId as a string', async () => {
    await withEmulator({}, async (emu) => {
      const res = await call(emu, 'ListTaskFlowInstance', { DagId: BIG_DAG, PageIndex: '1', PageSize: '10' });
      assertSuccess(res);
      assert.match(res.text, /"Id":9007199254740993[,}]/);
      assert.match(res.text, /"DagId":"9007199254740995"/);
      assert.match(res.text, /"DagVersion":"7"/);
      assert.equal(res.json.TotalCount, 1);
    });
  });

  test('int64 extremes are exact too', async () => {
    await withEmulator({}, async (emu) => {
      const max = '9223372036854775807';
      emu.addInstance({ dagId: max, dagInstanceId: max, status: 'running', dagVersion: '1' });
      assertSuccess(await call(emu, 'SuspendTaskFlowInstance', instanceIds(max, max)));
      assert.equal(emu.getInstance(2n ** 63n - 1n, max).status, 'suspended');
      const list = await call(emu, 'ListTaskFlowInstance', { DagId: max, PageIndex: '1', PageSize: '10' });
      assert.match(list.text, /"Id":9223372036854775807[,}]/);
    });
  });
});

// --- records, failNext, prefix, CORS, lifecycle ------------------------------------

describe('the emulator object', () => {
  test('requests records every HTTP request, in order; resetRequests and requestCount', async () => {
    await withEmulator({}, async (emu) => {
      const ok = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { secret: 'bad' });
      await send(emu.url + '/nowhere', { method: 'PUT' });
      assert.equal(emu.requestCount, 4);
      const [first, second, third, fourth] = emu.requests;
      assert.deepEqual(first, {
        method: 'POST',
        path: '/',
        action: 'StopTaskFlowInstance',
        params: ok.params,
        accessKeyId: KEY.accessKeyId,
        nonce: ok.params.SignatureNonce,
        timestamp: ok.params.Timestamp,
        status: 200,
        code: null,
        errorCode: null,
        success: true,
        fault: null,
      });
      assert.equal(second.success, false);
      assert.equal(second.errorCode, 'InvalidStatus');
      assert.equal(second.code, null);
      assert.equal(third.status, 400);
      assert.equal(third.code, 'SignatureDoesNotMatch');
      assert.equal(third.success, null);
      assert.deepEqual([fourth.method, fourth.path, fourth.status, fourth.code, fourth.action], ['PUT', '/nowhere', 405, 'UnsupportedHTTPMethod', null]);
      const kept = emu.requests;
      emu.resetRequests();
      assert.equal(emu.requestCount, 0);
      assert.equal(kept.length, 0);
    });
  });

  test('failNext answers verbatim, before any check, the given number of times', async () => {
    await withEmulator({}, async (emu) => {
      const body = { RequestId: 'FAKE', HostId: 'dms-enterprise.aliyuncs.com', Code: 'ServiceUnavailable', Message: 'busy' };
      emu.failNext({ status: 503, body }, 2);
      for (let i = 0; i < 2; i++) {
        const res = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
        assert.equal(res.status, 503);
        assert.equal(res.text, JSON.stringify(body));
        assert.ok(res.headers.get('date'));
      }
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      emu.failNext({ status: 200, body: '{"Success":true,"Id":9007199254740993', headers: { 'Content-Type': 'text/plain', 'x-extra': 'yes' } });
      const raw = await send(emu.url + '/wrong-path', { method: 'PUT', body: 'garbage' });
      assert.equal(raw.status, 200);
      assert.equal(raw.text, '{"Success":true,"Id":9007199254740993');
      assert.equal(raw.headers.get('content-type'), 'text/plain');
      assert.equal(raw.headers.get('x-extra'), 'yes');
      emu.failNext({ status: 200, body: { RequestId: 'R', Success: false, ErrorCode: 'Throttling', ErrorMessage: 'slow down' } });
      await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001')));
      const statuses = emu.requests.map((r) => [r.status, r.code, r.errorCode, r.success, r.action]);
      assert.deepEqual(statuses, [
        [503, 'ServiceUnavailable', null, null, 'StopTaskFlowInstance'],
        [503, 'ServiceUnavailable', null, null, 'StopTaskFlowInstance'],
        [200, null, null, null, null],
        [200, null, 'Throttling', false, 'StopTaskFlowInstance'],
        [200, null, null, true, 'StopTaskFlowInstance'],
      ]);
      assert.throws(() => emu.failNext({ status: 503 }, 0), RangeError);
      assert.throws(() => emu.failNext({ status: 503, headers: { 'bad header': 'x' } }), TypeError);
    });
  });

  test('pathPrefix: served at the prefix with and without a trailing slash, nowhere else', async () => {
    await withEmulator({ pathPrefix: '/api/dms' }, async (emu) => {
      assert.equal(emu.url, `http://127.0.0.1:${emu.port}/api/dms`);
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001')));
      assertSuccess(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5002'), { url: emu.url + '/' }));
      const root = `http://127.0.0.1:${emu.port}`;
      for (const url of [root, `${root}/api`, `${root}/api/dmsx`, `${root}/api/dms/x`]) {
        assertGateway(await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { url }), 404, 'InvalidApi.NotFound');
      }
      assert.deepEqual(emu.requests.slice(0, 2).map((r) => r.path), ['/api/dms', '/api/dms/']);
    });
    await withEmulator({ pathPrefix: '/api/dms/' }, async (emu) => {
      assert.ok(emu.url.endsWith('/api/dms'));
    });
  });

  test('cors: preflights answered, every response readable cross-origin; off by default', async () => {
    await withEmulator({ cors: true }, async (emu) => {
      const preflight = await fetch(emu.url, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:5173',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-acs-date',
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
      assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type,x-acs-date');
      emu.failNext({ status: 500, body: 'x' }); // a preflight does not use it up
      const preflight2 = await fetch(emu.url, { method: 'OPTIONS' });
      assert.equal(preflight2.status, 204);
      const failed = await send(emu.url, { method: 'POST', body: '' });
      assert.equal(failed.status, 500);
      assert.equal(failed.headers.get('access-control-allow-origin'), '*');
      const ok = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      assertSuccess(ok);
      assert.equal(ok.headers.get('access-control-allow-origin'), '*');
      assert.match(ok.headers.get('access-control-expose-headers'), /Date/);
      const error = await call(emu, 'NoSuchAction');
      assert.equal(error.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(emu.requests.map((r) => [r.method, r.status]), [['OPTIONS', 204], ['OPTIONS', 204], ['POST', 500], ['POST', 200], ['POST', 404]]);
    });
    await withEmulator({}, async (emu) => {
      const ok = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      assert.equal(ok.headers.get('access-control-allow-origin'), null);
      assertGateway(await send(emu.url, { method: 'OPTIONS' }), 405, 'UnsupportedHTTPMethod');
    });
  });

  test('log gets one line per request, without secrets or signatures', async () => {
    const lines = [];
    await withEmulator({ log: (line) => lines.push(line) }, async (emu) => {
      const ok = await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'));
      await call(emu, 'StopTaskFlowInstance', instanceIds('1001', '5001'), { secret: 'bad' });
      assert.deepEqual(lines, [
        'POST / StopTaskFlowInstance -> 200 Success',
        'POST / StopTaskFlowInstance -> 200 InvalidStatus',
        'POST / StopTaskFlowInstance -> 400 SignatureDoesNotMatch',
      ]);
      assert.ok(!lines.join('\n').includes(ok.params.Signature));
    });
  });

  test('binds to 127.0.0.1 and reports its accounts', async () => {
    await withEmulator({}, async (emu) => {
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
      assert.ok(emu.port > 0);
      assert.deepEqual(emu.accounts.map((a) => a.accessKeyId), ['LTAI5tEmulatorKeyId01', 'STS.EmulatorTempKeyId']);
      assert.equal(emu.accounts[1].securityToken, 'emulator-sts-token');
    });
  });

  test('close() ends keep-alive connections and lets the process exit', async () => {
    const script = `
      import http from 'node:http';
      import { startEmulator } from ${JSON.stringify(INDEX_URL)};
      const emu = await startEmulator();
      const agent = new http.Agent({ keepAlive: true });
      await new Promise((resolve, reject) => {
        const req = http.request(emu.url + '/', { method: 'POST', agent }, (res) => { res.resume(); res.on('end', resolve); });
        req.on('error', reject);
        req.end();
      });
      await fetch(emu.url, { method: 'POST' }).then((res) => res.text());
      const started = Date.now();
      await emu.close();
      await emu.close(); // a second close is harmless
      console.log('closed in', Date.now() - started, 'ms');
    `;
    const { code, stdout, elapsed } = await runNode(['--input-type=module', '-e', script], 10_000);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^closed in/);
    assert.ok(elapsed < 5000, `exited after ${elapsed} ms`);
  });
});

// --- the CLI --------------------------------------------------------------------

describe('cli.mjs', () => {
  test('--help, and a bad option exits 2', async () => {
    const help = await runNode([CLI_PATH, '--help'], 10_000);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--path-prefix/);
    const bad = await runNode([CLI_PATH, '--bogus'], 10_000);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option/);
  });

  test('serves, prints url, accounts and instances, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dms-emulator-'));
    try {
      const seedFile = join(dir, 'seed.json');
      writeFileSync(seedFile, JSON.stringify({ instances: [{ dagId: '9007199254740995', dagInstanceId: '9007199254740997', status: 'running', dagVersion: '2' }] }));
      const child = spawn(process.execPath, [CLI_PATH, '--port', '0', '--seed', seedFile, '--cors', '--path-prefix', '/api/dms'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      const url = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 10_000);
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /DMS emulator listening on (\S+)/.exec(stdout);
          if (match && stdout.includes('9007199254740997')) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      assert.match(stdout.split('\n')[0], /^DMS emulator listening on http:\/\/127\.0\.0\.1:[0-9]+\/api\/dms$/);
      assert.match(stdout, /LTAI5tEmulatorKeyId01/);
      assert.match(stdout, /STS\.EmulatorTempKeyId/);
      assert.match(stdout, /9007199254740995 \/ 9007199254740997: running/);
      const res = await call({ url }, 'StopTaskFlowInstance', instanceIds('9007199254740995', '9007199254740997'));
      assertSuccess(res);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      assert.equal(signal, null);
      assert.equal(code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unreadable seed exits 1', async () => {
    const res = await runNode([CLI_PATH, '--seed', '/nonexistent/seed.json'], 10_000);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /cannot read seed/);
  });
});
