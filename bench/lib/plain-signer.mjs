// The idiomatic plain-JS signer the package is compared with: node:crypto HMAC-SHA1 and
// encodeURIComponent, about what one writes from the RPC signature documentation.
//   percent-encoding: RFC 3986 (unreserved A-Z a-z 0-9 - _ . ~ kept; encodeURIComponent also
//   keeps !'()*, so those are escaped too, e.g. * -> %2A); parameters sorted by name
//   (String sort: UTF-16 order, the same as byte order for the ASCII names the API has);
//   string to sign POST&%2F&enc(canonical); key secret + '&'; base64.
import { createHmac, randomBytes } from 'node:crypto';

const DEFAULT_ENDPOINT = 'https://dms-enterprise.aliyuncs.com/';
const FORM = 'application/x-www-form-urlencoded';

export function percentEncode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const utcNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Same arguments and result as the package's signRequest (wire parameter names). */
export function signRequestPlain(options, action, params, { timestamp = utcNow(), nonce = randomBytes(16).toString('hex') } = {}) {
  const { accessKeyId, accessKeySecret, securityToken, endpoint = DEFAULT_ENDPOINT } = options;
  const all = {
    AccessKeyId: accessKeyId,
    Action: action,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: nonce,
    SignatureVersion: '1.0',
    Timestamp: timestamp,
    Version: '2018-11-01',
    ...params,
  };
  if (securityToken) all.SecurityToken = securityToken;
  const canonical = Object.keys(all)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(all[name])}`)
    .join('&');
  const signature = createHmac('sha1', `${accessKeySecret}&`).update(`POST&%2F&${percentEncode(canonical)}`).digest('base64');
  return { method: 'POST', url: endpoint, headers: { 'content-type': FORM }, body: `${canonical}&Signature=${percentEncode(signature)}` };
}
