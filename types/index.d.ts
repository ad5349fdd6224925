// Public API of dms-taskflow. Operation parameter types come from the generated
// ./operations.d.ts (one table: spec/taskflow-operations.json).
import type {
  Action,
  ResumeTaskFlowInstanceParams,
  StopTaskFlowInstanceParams,
  WireParamsByAction,
} from './operations.js';

export type {
  Action,
  Id,
  Integer,
  JsonParam,
  ResumeTaskFlowInstanceParams,
  StopTaskFlowInstanceParams,
  WireParamsByAction,
} from './operations.js';

/** A fetch-compatible function: the host's `fetch` or a wrapper around it. */
export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body: string }) =>
  Promise<{ readonly status: number; text(): Promise<string> }>;

export interface ClientOptions {
  /** AccessKey id (or an STS temporary key id). */
  accessKeyId?: string;
  /** AccessKey secret. Kept inside the wasm module; never shown by errors or inspection. */
  accessKeySecret?: string;
  /** STS security token, with temporary credentials. */
  securityToken?: string;
  /**
   * Any http(s) URL; a path prefix is kept (`https://admin.example.com/api/dms` sends to
   * `https://admin.example.com/api/dms/`). Wins over `regionId`.
   * Default: `https://dms-enterprise.aliyuncs.com`.
   */
  endpoint?: string;
  /** Sends to `https://dms-enterprise.<regionId>.aliyuncs.com`. */
  regionId?: string;
  /** The fetch to send with. Default: `globalThis.fetch`, looked up at each call. */
  fetch?: FetchLike;
}

/** What Stop and Resume resolve to. */
export interface OperationResult {
  requestId: string;
  success: true;
}

/** Error codes the package raises itself; the server's codes pass through as sent. */
export type ClientErrorCode =
  | 'MissingParameter'
  | 'InvalidParameter'
  | 'MissingCredentials'
  | 'NetworkError'
  | 'InvalidResponse'
  | 'UnsupportedRuntime';

export interface DmsErrorInit {
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  hostId?: string;
  recommend?: string;
  retryable?: boolean;
  cause?: unknown;
}

/** Every failure: a client-side check, a network failure, or the server's answer. */
export class DmsError extends Error {
  constructor(init: DmsErrorInit);
  readonly name: 'DmsError';
  /** `ClientErrorCode`, a gateway code (`SignatureDoesNotMatch`, `Throttling.User`, ...) or a business `ErrorCode`. */
  readonly code: ClientErrorCode | (string & {});
  /** HTTP status of the answer; absent when nothing was sent or no answer came. */
  readonly status?: number;
  /** The server's request id, when it sent one. */
  readonly requestId?: string;
  readonly hostId?: string;
  readonly recommend?: string;
  /** Whether sending again (re-signed) may succeed: throttling, 5xx, network failures. */
  readonly retryable: boolean;
  toJSON(): Omit<DmsErrorInit, 'cause'> & { name: 'DmsError' };
}

export class DmsClient {
  /** Throws `DmsError` (InvalidParameter) for malformed options. */
  constructor(options?: ClientOptions);
  stopTaskFlowInstance(params: StopTaskFlowInstanceParams): Promise<OperationResult>;
  resumeTaskFlowInstance(params: ResumeTaskFlowInstanceParams): Promise<OperationResult>;
  /** Endpoint and whether credentials are set; never the credentials. */
  toString(): string;
  toJSON(): { endpoint: string; credentials: "set" | "missing" | "from a function"; maxAttempts: number; timeoutMs: number };
}

/** Client options and operation parameters in one object. */
export function stopTaskFlowInstance(input: ClientOptions & StopTaskFlowInstanceParams): Promise<OperationResult>;
export function resumeTaskFlowInstance(input: ClientOptions & ResumeTaskFlowInstanceParams): Promise<OperationResult>;

export interface SigningOptions {
  /** `YYYY-MM-DDThh:mm:ssZ`; default: now. */
  timestamp?: string;
  /** Default: 128 random bits as hex. */
  nonce?: string;
}

export interface SignedRequest {
  method: 'POST';
  url: string;
  headers: { 'content-type': 'application/x-www-form-urlencoded' };
  /** The form body: every parameter, common ones included, then `Signature`. */
  body: string;
}

/** Builds and signs a request without sending it; parameters use their wire names. Throws `DmsError`. */
export function signRequest<A extends Action>(
  options: Omit<ClientOptions, 'fetch'>,
  action: A,
  params: WireParamsByAction[A],
  signing?: SigningOptions,
): SignedRequest;
