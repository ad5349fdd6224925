// signRequest, through the packed tarball (require and import), checked against the
// emulator's independent reference signer (emulator/signature.mjs): the published-style
// example, byte-identical bodies, STS, percent-encoding, generated nonces and timestamps,
// refusals, and signed requests sent by hand to the emulator.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, STS, emulatorFixture } from '../support/emulator.mjs';
import { parseForm } from '../support/fetch-spy.mjs';
import { FORM_TYPE, NONCE_RE, TIMESTAMP_RE, assertDmsError } from '../support/assertions.mjs';
import { canonicalQuery, percentEncode, signRpc } from '../../emulator/signature.mjs';

const { variants } = await loadPackage();
const emu = await emulatorFixture();

const EXAMPLE_OPTIONS = Object.freeze({
  accessKeyId: 'testid',
  accessKeySecret: 'testsecret',
  endpoint: 'https://admin.example.com/api/dms',
});
const EXAMPLE_SIGNING = Object.freeze({ timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' });
const EXAMPLE_PARAMS = Object.freeze({ DagId: '7', DagInstanceId: '47', Tid: '3' });

/** The common parameters of a signed RPC request, as the reference builds them. */
function commonParams({ accessKeyId, securityToken }, action, { timestamp, nonce }) {
  const params = {
    AccessKeyId: accessKeyId,
    Action: action,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: nonce,
    SignatureVersion: '1.0',
    Timestamp: timestamp,
    Version: '2018-11-01',
  };
  if (securityToken !== undefined) params.SecurityToken = securityToken;
  return params;
}

/** The form body the reference signer gives: canonical query, then &Signature=enc(sig). */
function referenceBody(params, secret) {
  return `${canonicalQuery(params)}&Signature=${percentEncode(signRpc('POST', params, secret))}`;
}

/** The decoded body parameters without Signature, and the Signature. */
function splitSigned(body) {
  const { params, order } = parseForm(body);
  const { Signature, ...rest } = params;
  assert.equal(order.at(-1), 'Signature', 'Signature is the last body parameter');
  return { params: rest, signature: Signature };
}

for (const [label, mod] of variants) {
  describe(`${label}: signRequest`, () => {
    test('the published-style example: URL, method, header and reference signature', () => {
      const request = mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, EXAMPLE_SIGNING);
      assert.deepEqual(Object.keys(request).sort(), ['body', 'headers', 'method', 'url']);
      assert.equal(request.method, 'POST');
      assert.equal(request.url, 'https://admin.example.com/api/dms/');
      assert.deepEqual(request.headers, { 'content-type': FORM_TYPE });

      const { params, signature } = splitSigned(request.body);
      assert.deepEqual(params, {
        ...commonParams(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_SIGNING),
        ...EXAMPLE_PARAMS,
      });
      assert.equal(signature, signRpc('POST', params, 'testsecret'), 'Signature = reference signRpc over the body parameters');
      // Pinned as well: the value an independent Python computation gave (src/request.rs tests).
      assert.equal(signature, 'KTYcM/jbJejLw4UUT4294Ox5xec=');
    });

    test('the body is byte-identical to one built with the reference percentEncode', () => {
      const request = mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, EXAMPLE_SIGNING);
      const params = { ...commonParams(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_SIGNING), ...EXAMPLE_PARAMS };
      assert.equal(request.body, referenceBody(params, 'testsecret'));
      assert.equal(
        request.body,
        'AccessKeyId=testid&Action=StopTaskFlowInstance&DagId=7&DagInstanceId=47&Format=JSON&SignatureMethod=HMAC-SHA1' +
          '&SignatureNonce=3156853299f313e23d1673dc12e1703d&SignatureVersion=1.0&Tid=3&Timestamp=2023-10-26T10%3A22%3A32Z' +
          '&Version=2018-11-01&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D',
      );
    });

    test('deterministic when timestamp and nonce are given', () => {
      const first = mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, EXAMPLE_SIGNING);
      for (let i = 0; i < 5; i += 1) {
        assert.deepEqual(mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', { ...EXAMPLE_PARAMS }, { ...EXAMPLE_SIGNING }), first);
      }
      const otherNonce = mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { ...EXAMPLE_SIGNING, nonce: 'n2' });
      assert.notEqual(otherNonce.body, first.body);
    });

    test('ids in every form give the same wire text; ids beyond 2^53 stay exact', () => {
      const base = mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, EXAMPLE_SIGNING).body;
      for (const params of [
        { DagId: 7, DagInstanceId: 47, Tid: 3 },
        { DagId: 7n, DagInstanceId: 47n, Tid: 3n },
        { DagId: '007', DagInstanceId: '0047', Tid: '03' },
      ]) {
        assert.equal(mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', params, EXAMPLE_SIGNING).body, base);
      }
      const big = mod.signRequest(
        EXAMPLE_OPTIONS,
        'StopTaskFlowInstance',
        { DagId: 9007199254740995n, DagInstanceId: '9007199254740993' },
        EXAMPLE_SIGNING,
      );
      const { params, signature } = splitSigned(big.body);
      assert.equal(params.DagId, '9007199254740995');
      assert.equal(params.DagInstanceId, '9007199254740993');
      assert.equal(signature, signRpc('POST', params, 'testsecret'));
    });

    test('STS: SecurityToken is in the body and signed (special characters percent-encoded)', () => {
      const token = 'CAIS+tok/en==';
      const options = { ...EXAMPLE_OPTIONS, securityToken: token };
      const request = mod.signRequest(options, 'StopTaskFlowInstance', EXAMPLE_PARAMS, EXAMPLE_SIGNING);
      assert.ok(request.body.includes('&SecurityToken=CAIS%2Btok%2Fen%3D%3D&'), request.body);
      const { params, signature } = splitSigned(request.body);
      assert.equal(params.SecurityToken, token);
      assert.equal(signature, signRpc('POST', params, 'testsecret'));
      assert.equal(
        request.body,
        referenceBody({ ...commonParams(options, 'StopTaskFlowInstance', EXAMPLE_SIGNING), ...EXAMPLE_PARAMS }, 'testsecret'),
      );
    });

    test('values are percent-encoded the RPC way (not encodeURIComponent)', () => {
      const dagVersion = "a b*c~d!'()+/:中";
      const request = mod.signRequest(
        EXAMPLE_OPTIONS,
        'ResumeTaskFlowInstance',
        { DagId: 7, DagInstanceId: 47, DagVersion: dagVersion },
        EXAMPLE_SIGNING,
      );
      assert.ok(request.body.includes('&DagVersion=a%20b%2Ac~d%21%27%28%29%2B%2F%3A%E4%B8%AD&'), request.body);
      const params = {
        ...commonParams(EXAMPLE_OPTIONS, 'ResumeTaskFlowInstance', EXAMPLE_SIGNING),
        DagId: '7',
        DagInstanceId: '47',
        DagVersion: dagVersion,
      };
      assert.equal(request.body, referenceBody(params, 'testsecret'));
    });

    test('a secret with special characters signs like the reference', () => {
      const options = { ...EXAMPLE_OPTIONS, accessKeySecret: 'sup3r/s3cret+value=&中' };
      const request = mod.signRequest(options, 'StopTaskFlowInstance', EXAMPLE_PARAMS, EXAMPLE_SIGNING);
      const { params, signature } = splitSigned(request.body);
      assert.equal(signature, signRpc('POST', params, options.accessKeySecret));
      assert.ok(!request.body.includes('sup3r'), 'the secret is never in the body');
    });

    test('array parameters of other task-flow operations are sent as one JSON string', () => {
      const edges = [{ NodeFrom: 1, NodeEnd: 2 }];
      const request = mod.signRequest(EXAMPLE_OPTIONS, 'AddTaskFlowEdges', { DagId: 7, Edges: edges }, EXAMPLE_SIGNING);
      const { params, signature } = splitSigned(request.body);
      assert.equal(params.Action, 'AddTaskFlowEdges');
      assert.equal(params.Edges, JSON.stringify(edges));
      assert.equal(signature, signRpc('POST', params, 'testsecret'));
    });

    test('without timestamp and nonce: fresh 32-hex nonces and the current time', () => {
      const nonces = new Set();
      for (const signing of [undefined, {}, { timestamp: undefined, nonce: undefined }]) {
        for (let i = 0; i < 20; i += 1) {
          const before = Date.now();
          const request = mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, signing);
          const { params, signature } = splitSigned(request.body);
          assert.match(params.SignatureNonce, NONCE_RE);
          nonces.add(params.SignatureNonce);
          assert.match(params.Timestamp, TIMESTAMP_RE);
          const skew = Date.parse(params.Timestamp) - before;
          assert.ok(Math.abs(skew) <= 5000, `timestamp ${params.Timestamp} is ${skew} ms from now`);
          assert.equal(signature, signRpc('POST', params, 'testsecret'));
        }
      }
      assert.equal(nonces.size, 60, 'the nonce changes on every call');
    });

    test('only the timestamp given: the nonce is still generated (and the other way round)', () => {
      const a = splitSigned(mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { timestamp: EXAMPLE_SIGNING.timestamp }).body);
      assert.equal(a.params.Timestamp, EXAMPLE_SIGNING.timestamp);
      assert.match(a.params.SignatureNonce, NONCE_RE);
      const b = splitSigned(mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { nonce: 'my-nonce-1' }).body);
      assert.equal(b.params.SignatureNonce, 'my-nonce-1');
      assert.match(b.params.Timestamp, TIMESTAMP_RE);
    });

    test('endpoints: default, regionId, bare host, path prefix with trailing slashes', () => {
      const url = (options) => mod.signRequest({ accessKeyId: 'a', accessKeySecret: 'b', ...options }, 'StopTaskFlowInstance', EXAMPLE_PARAMS).url;
      assert.equal(url({}), 'https://dms-enterprise.aliyuncs.com/');
      assert.equal(url({ regionId: 'cn-hangzhou' }), 'https://dms-enterprise.cn-hangzhou.aliyuncs.com/');
      assert.equal(url({ regionId: 'cn-hangzhou', endpoint: 'http://127.0.0.1:8080' }), 'http://127.0.0.1:8080/');
      assert.equal(url({ regionId: 'ap-southeast-1', network: 'vpc' }), 'https://dms-enterprise-vpc.ap-southeast-1.aliyuncs.com/');
      assert.equal(url({ endpoint: 'dms-enterprise.aliyuncs.com' }), 'https://dms-enterprise.aliyuncs.com/');
      assert.equal(url({ endpoint: 'https://admin.example.com/api/dms//' }), 'https://admin.example.com/api/dms/');
    });

    const REFUSALS = [
      ['an unknown action', () => mod.signRequest(EXAMPLE_OPTIONS, 'DeleteEverything', EXAMPLE_PARAMS), 'InvalidParameter', 'action must be a task-flow action'],
      ['an action that is not a string', () => mod.signRequest(EXAMPLE_OPTIONS, 42, EXAMPLE_PARAMS), 'InvalidParameter', 'action must be a task-flow action'],
      ['a lower-case action', () => mod.signRequest(EXAMPLE_OPTIONS, 'stopTaskFlowInstance', EXAMPLE_PARAMS), 'InvalidParameter', 'action must be a task-flow action'],
      [
        'camelCase parameter names',
        () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', { dagId: '7', DagInstanceId: '47' }),
        'InvalidParameter',
        "unknown parameter 'dagId' for StopTaskFlowInstance; allowed: DagId, DagInstanceId, Tid",
      ],
      ['a missing DagInstanceId', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', { DagId: 7 }), 'MissingParameter', 'DagInstanceId is required for StopTaskFlowInstance'],
      ['a missing DagVersion', () => mod.signRequest(EXAMPLE_OPTIONS, 'ResumeTaskFlowInstance', { DagId: 7, DagInstanceId: 47 }), 'MissingParameter', 'DagVersion is required for ResumeTaskFlowInstance'],
      ['a bad id', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', { DagId: 7.5, DagInstanceId: 47 }), 'InvalidParameter', 'DagId must be an id'],
      ['params null', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', null), 'InvalidParameter', 'params must be an object'],
      ['a timestamp with a space', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { timestamp: '2023-10-26 10:22:32Z' }), 'InvalidParameter', 'timestamp must be'],
      ['a timestamp with milliseconds', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { timestamp: '2023-10-26T10:22:32.000Z' }), 'InvalidParameter', 'timestamp must be'],
      ['a timestamp in month 13', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { timestamp: '2023-13-26T10:22:32Z' }), 'InvalidParameter', 'timestamp must be'],
      ['a timestamp as a number', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { timestamp: 1698315752000 }), 'InvalidParameter', 'timestamp must be'],
      ['a timestamp as a Date', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { timestamp: new Date() }), 'InvalidParameter', 'timestamp must be'],
      ['an empty nonce', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { nonce: '' }), 'InvalidParameter', 'nonce must be'],
      ['a nonce with a space', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { nonce: 'a b' }), 'InvalidParameter', 'nonce must be'],
      ['a non-ASCII nonce', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { nonce: 'é' }), 'InvalidParameter', 'nonce must be'],
      ['a 129-character nonce', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { nonce: 'n'.repeat(129) }), 'InvalidParameter', 'nonce must be'],
      ['an unknown signing option', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, { signatureMethod: 'HMAC-SHA256' }), 'InvalidParameter', "unknown signing option 'signatureMethod'; allowed: timestamp, nonce"],
      ['signing options null', () => mod.signRequest(EXAMPLE_OPTIONS, 'StopTaskFlowInstance', EXAMPLE_PARAMS, null), 'InvalidParameter', 'signing options must be an object'],
      ['no credentials', () => mod.signRequest({}, 'StopTaskFlowInstance', EXAMPLE_PARAMS), 'MissingCredentials', 'no credentials'],
      ['no arguments at all', () => mod.signRequest(), 'InvalidParameter', 'action must be'],
    ];
    for (const [name, call, code, starts] of REFUSALS) {
      test(`throws a DmsError for ${name}`, () => {
        assert.throws(call, (error) => assertDmsError(error, mod.DmsError, { code, status: 'absent', retryable: false, messageStartsWith: starts }));
      });
    }
  });

  describe(`${label}: requests from signRequest, sent by hand to the emulator`, () => {
    const send = ({ url, method, headers, body }) => fetch(url, { method, headers, body });
    let nextInstanceId = 950000 + (label === 'esm' ? 1000 : 0);

    test('a signed stop and a signed STS resume are accepted', async () => {
      const stopId = String(nextInstanceId++);
      emu.addInstance({ dagId: '1001', dagInstanceId: stopId, status: 'running', dagVersion: '2' });
      const response = await send(mod.signRequest({ ...KEY, endpoint: emu.url }, 'StopTaskFlowInstance', { DagId: 1001, DagInstanceId: stopId }));
      assert.equal(response.status, 200);
      assert.equal((await response.json()).Success, true);
      assert.equal(emu.getInstance('1001', stopId).status, 'stopped');

      const resumeId = String(nextInstanceId++);
      emu.addInstance({ dagId: '1001', dagInstanceId: resumeId, status: 'suspended', dagVersion: '2' });
      const resumed = await send(
        mod.signRequest({ ...STS, endpoint: emu.url }, 'ResumeTaskFlowInstance', { DagId: 1001n, DagInstanceId: resumeId, DagVersion: '2' }),
      );
      assert.equal((await resumed.json()).Success, true);
      assert.equal(emu.getInstance('1001', resumeId).status, 'running');
      assert.equal(emu.requests.at(-1).params.SecurityToken, STS.securityToken);
    });

    test('sending the same signed request twice: SignatureNonceUsed', async () => {
      const id = String(nextInstanceId++);
      emu.addInstance({ dagId: '1001', dagInstanceId: id, status: 'running', dagVersion: '2' });
      const request = mod.signRequest({ ...KEY, endpoint: emu.url }, 'StopTaskFlowInstance', { DagId: 1001, DagInstanceId: id });
      assert.equal((await (await send(request)).json()).Success, true);
      const again = await send(request);
      assert.equal(again.status, 400);
      assert.equal((await again.json()).Code, 'SignatureNonceUsed');
    });

    test('an old fixed timestamp: InvalidTimeStamp.Expired', async () => {
      const request = mod.signRequest({ ...KEY, endpoint: emu.url }, 'StopTaskFlowInstance', { DagId: 1001, DagInstanceId: 5001 }, EXAMPLE_SIGNING);
      const response = await send(request);
      assert.equal(response.status, 400);
      assert.equal((await response.json()).Code, 'InvalidTimeStamp.Expired');
    });
  });
}
