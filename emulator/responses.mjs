// Response bodies, as JSON text.
//
// JSON.stringify cannot write a number beyond 2^53 exactly (and Node 20 has no
// JSON.rawJSON), yet ListTaskFlowInstance sends its Id as a number. toJson
// therefore writes a BigInt as a bare integer literal: the exact digits.

import { randomUUID } from 'node:crypto';

export const HOST_ID = 'dms-enterprise.aliyuncs.com';

/** JSON text of plain data; a BigInt becomes a number literal with its exact digits. */
export function toJson(value) {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([name, item]) => `${JSON.stringify(name)}:${toJson(item)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A fresh request id, upper-case like the gateway's. */
export function newRequestId() {
  return randomUUID().toUpperCase();
}

/** The gateway's error body: HTTP 4xx/5xx. */
export function gatewayErrorBody(requestId, code, message) {
  return {
    RequestId: requestId,
    HostId: HOST_ID,
    Code: code,
    Message: message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=dms-enterprise`,
  };
}

/** The body of an operation that reached the business layer: HTTP 200, success or not. */
export function businessBody(requestId, result) {
  if (result.success) {
    return { RequestId: requestId, Success: true, ErrorCode: '', ErrorMessage: '', ...result.fields };
  }
  return { RequestId: requestId, Success: false, ErrorCode: result.errorCode, ErrorMessage: result.errorMessage };
}
