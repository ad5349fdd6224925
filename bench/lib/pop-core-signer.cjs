// @alicloud/pop-core's RPC signing path, without the network.
//
// pop-core 1.8.0 signs inside RPCClient#request (lib/rpc.js): formatParams, the default
// parameters, normalize (flatten, sort, encode), canonicalize, the string to sign, kitx.sha1
// (node:crypto HMAC), then `Signature` appended and the body canonicalized again. Those
// helpers are private to lib/rpc.js, so this compiles that very file (read from
// node_modules, unchanged) as a module of its own with one line appended that exports them,
// and `popCoreSign` repeats request()'s steps 1-3 with them. `viaRequest` instead runs the
// real RPCClient#request with the transport (httpx.request/read) replaced, to check that
// both give the same body.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const entry = require.resolve('@alicloud/pop-core');
const rpcFile = path.join(path.dirname(entry), 'lib', 'rpc.js');
const requireFromPopCore = Module.createRequire(rpcFile);
const kitx = requireFromPopCore('kitx');
const httpx = requireFromPopCore('httpx');
const version = requireFromPopCore('../package.json').version;

function loadInternals() {
  const source = fs.readFileSync(rpcFile, 'utf8');
  for (const name of ['normalize', 'canonicalize', 'encode', 'formatParams']) {
    if (!source.includes(`function ${name}(`)) throw new Error(`pop-core ${version}: lib/rpc.js has no ${name}(); update bench/lib/pop-core-signer.cjs`);
  }
  const mod = new Module(rpcFile, module);
  mod.filename = rpcFile;
  mod.paths = Module._nodeModulePaths(path.dirname(rpcFile));
  mod._compile(`${source}\n;module.exports.__benchInternals = { normalize, canonicalize, encode, formatParams };\n`, rpcFile);
  return mod.exports.__benchInternals;
}

const { normalize, canonicalize, encode, formatParams } = loadInternals();

/**
 * Steps 1-3 of RPCClient#request for a POST (lib/rpc.js), with the timestamp and nonce
 * given instead of generated. Returns the URL, the form body and the signature.
 */
function popCoreSign({ accessKeyId, accessKeySecret, endpoint }, apiVersion, action, params, { timestamp, nonce }) {
  params = formatParams(params);
  const defaultParams = {
    Format: 'JSON',
    Timestamp: timestamp,
    Version: apiVersion,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: nonce,
    AccessKeyId: accessKeyId,
  };
  params = Object.assign({ Action: action }, defaultParams, params);
  const normalized = normalize(params);
  const canonicalized = canonicalize(normalized);
  const stringToSign = `POST&${encode('/')}&${encode(canonicalized)}`;
  const signature = kitx.sha1(stringToSign, `${accessKeySecret}&`, 'base64');
  normalized.push(['Signature', encode(signature)]);
  return { url: `${endpoint}/`, body: canonicalize(normalized), signature };
}

/**
 * Replaces pop-core's transport in this process: httpx.request resolves a fake response
 * and records what would have been sent; httpx.read returns a canned DMS answer.
 */
function stubTransport() {
  const sent = { url: null, body: null };
  const answer = Buffer.from('{"RequestId":"BENCH","Success":true,"ErrorCode":"","ErrorMessage":""}');
  httpx.request = async (url, opts) => {
    sent.url = url;
    sent.body = opts.data;
    return { req: { getHeaders: () => opts.headers }, statusCode: 200, headers: {} };
  };
  httpx.read = async () => answer;
  return sent;
}

module.exports = { popCoreSign, stubTransport, version, RPCClient: require('@alicloud/pop-core').RPCClient };
