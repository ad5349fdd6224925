// The one request every signing benchmark builds: a StopTaskFlowInstance with a fixed
// timestamp and nonce, so every signer must produce the same bytes. Credentials and
// expected output are the Rust unit test's (src/request.rs), computed independently there.

export const CREDENTIALS = Object.freeze({ accessKeyId: 'testid', accessKeySecret: 'testsecret' });
export const ENDPOINT = 'https://dms-enterprise.aliyuncs.com/';
export const API_VERSION = '2018-11-01';
export const ACTION = 'StopTaskFlowInstance';
export const PARAMS = Object.freeze({ DagId: '7', DagInstanceId: '47', Tid: '3' });
export const SIGNING = Object.freeze({ timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' });
export const EXPECTED_SIGNATURE = 'KTYcM/jbJejLw4UUT4294Ox5xec=';
export const EXPECTED_BODY =
  'AccessKeyId=testid&Action=StopTaskFlowInstance&DagId=7&DagInstanceId=47&Format=JSON&SignatureMethod=HMAC-SHA1' +
  '&SignatureNonce=3156853299f313e23d1673dc12e1703d&SignatureVersion=1.0&Tid=3&Timestamp=2023-10-26T10%3A22%3A32Z' +
  '&Version=2018-11-01&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D';

/** Every parameter that is signed (all but Signature), as the SDKs' signers take them. */
export const SIGNED_PARAMS = Object.freeze({
  AccessKeyId: CREDENTIALS.accessKeyId,
  Action: ACTION,
  Format: 'JSON',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: SIGNING.nonce,
  SignatureVersion: '1.0',
  Timestamp: SIGNING.timestamp,
  Version: API_VERSION,
  ...PARAMS,
});
