// Public API of dms-taskflow. Operation parameter types come from the generated
// ./operations.d.ts (one table: spec/taskflow-operations.json).
import type {
  Action,
  Id,
  Integer,
  ListDAGVersionsResult,
  ListTaskFlowInstanceResult,
  ListTaskFlowsByPageResult,
  OperationMethods,
  ResultByAction,
  ResumeTaskFlowInstanceParams,
  ResumeTaskFlowInstanceResult,
  StopTaskFlowInstanceParams,
  StopTaskFlowInstanceResult,
  WireParamsByAction,
} from './operations.js';

// Every operation's parameter and result types (`ListTaskFlowInstanceParams`,
// `ListTaskFlowInstanceResult`, ...), generated from the operation table.
export type * from './operations.js';

/** A fetch-compatible function: the host's `fetch` or a wrapper around it. */
export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body: string; redirect: 'manual'; signal?: AbortSignal }) =>
  Promise<{ readonly status: number; text(): Promise<string> }>;

/** What a `credentials` function resolves to (e.g. from STS AssumeRole). */
export interface ProvidedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** When they expire: a Date, milliseconds since the epoch, or `YYYY-MM-DDThh:mm:ssZ`. Cached until a minute before. */
  expiration?: Date | number | string;
}

/** What `onRequest` sees before each attempt. */
export interface RequestEvent {
  action: string;
  attempt: number;
}

/** What `onResponse` sees after each attempt. Never the secret or the signature. */
export interface ResponseEvent {
  action: string;
  attempt: number;
  durationMs: number;
  /** Whether another attempt follows. */
  retrying: boolean;
  status?: number;
  requestId?: string;
  /** The error code, when the attempt failed. */
  code?: string;
}

export interface ClientOptions {
  /** AccessKey id (or an STS temporary key id). */
  accessKeyId?: string;
  /** AccessKey secret. Kept inside the wasm module; never shown by errors or inspection. */
  accessKeySecret?: string;
  /** STS security token, with temporary credentials. */
  securityToken?: string;
  /** Instead of the three above: called when credentials are needed, cached until shortly before `expiration`. */
  credentials?: () => ProvidedCredentials | Promise<ProvidedCredentials>;
  /**
   * Any http(s) URL; a path prefix is kept (`https://admin.example.com/api/dms` sends to
   * `https://admin.example.com/api/dms/`). Wins over `regionId`.
   * Default: `https://dms-enterprise.aliyuncs.com`.
   */
  endpoint?: string;
  /** Sends to `https://dms-enterprise.<regionId>.aliyuncs.com` (a region DMS serves; others are refused unless `endpoint` is given). */
  regionId?: string;
  /** `'vpc'`: the region's VPC endpoint, `https://dms-enterprise-vpc.<regionId>.aliyuncs.com`. Default `'public'`. */
  network?: 'public' | 'vpc';
  /**
   * The host the request is signed for when `endpoint` is a proxy (`dms-enterprise.aliyuncs.com`):
   * a V3 signature covers the `host` header. Normalised as fetch sends it (IDN as punycode,
   * `:443` dropped). Default: the endpoint's host.
   */
  signingHost?: string;
  /**
   * `'v1'` (default): RPC HMAC-SHA1, a form POST with one header (no CORS preflight).
   * `'v3'`: ACS3-HMAC-SHA256, parameters in the query and `x-acs-*` headers.
   */
  signatureVersion?: 'v1' | 'v3';
  /** The fetch to send with. Default: `globalThis.fetch`, looked up at each call. */
  fetch?: FetchLike;
  /** Attempts in all, 1 to 10 (default 3); only throttling, 5xx and network failures are retried. */
  maxAttempts?: number;
  /** Backoff before the second attempt is drawn from 0 to this (default 200 ms), doubling after. */
  retryBaseDelayMs?: number;
  /** Cap of one backoff (default 5000 ms). */
  retryMaxDelayMs?: number;
  /** Time budget of a call, all attempts included (default 30000 ms); then it rejects with code `Timeout`. */
  timeoutMs?: number;
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: ResponseEvent) => void;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborting rejects the call at once with code `Aborted` (the signal's reason as `cause`). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/** What Stop and Resume resolve to. */
export type OperationResult = StopTaskFlowInstanceResult & ResumeTaskFlowInstanceResult;

/** Parameter values `client.call` accepts for actions outside the table. */
export type AnyParamValue = string | number | bigint | boolean | readonly unknown[] | { readonly [key: string]: unknown };

/** What `client.call` resolves to for an action outside the table: camelCase, ids as strings. */
export interface AnyResult {
  requestId: string;
  success: true;
  [field: string]: unknown;
}

/** Error codes the package raises itself; the server's codes pass through as sent. */
export type ClientErrorCode =
  | 'MissingParameter'
  | 'InvalidParameter'
  | 'MissingCredentials'
  | 'NetworkError'
  | 'InvalidResponse'
  | 'Timeout'
  | 'Aborted'
  | 'UnsupportedRuntime'
  | 'InstanceNotFound';

export interface DmsErrorInit {
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  hostId?: string;
  recommend?: string;
  retryable?: boolean;
  action?: string;
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
  /** The wire action of the call that failed (`StopTaskFlowInstance`). */
  readonly action?: string;
  toJSON(): Omit<DmsErrorInit, 'cause'> & { name: 'DmsError' };
}

/**
 * A task-flow instance's `Status`, by name: 0 waiting, 1 running, 2 suspended, 3 failed,
 * 4 succeeded, 5 completed (finished otherwise, e.g. stopped).
 */
export type InstanceStatus = 'waiting' | 'running' | 'suspended' | 'failed' | 'succeeded' | 'completed';
/** The `Status` number of each name: `InstanceStatus.running === 1`. */
export declare const InstanceStatus: Readonly<{ waiting: 0; running: 1; suspended: 2; failed: 3; succeeded: 4; completed: 5 }>;
/** The name of a `Status` number (or its decimal string), or undefined outside 0-5. */
export function instanceStatusName(code: number | string): InstanceStatus | undefined;
/** A status by name or by number. */
export type InstanceStatusLike = InstanceStatus | 0 | 1 | 2 | 3 | 4 | 5;

/** The List methods `client.paginate` pages through, and what each yields. */
export interface PagedLists {
  listTaskFlowInstance: TaskFlowInstance;
  listDAGVersions: NonNullable<ListDAGVersionsResult['dagVersionList']>[number];
  listTaskFlowsByPage: NonNullable<ListTaskFlowsByPageResult['taskFlowList']>[number];
}
type PagedParams<M extends keyof PagedLists> = Omit<Parameters<OperationMethods[M]>[0], 'pageIndex' | 'pageSize'> & { pageIndex?: Integer; pageSize?: Integer };

/** One entry of `listTaskFlowInstance(...).dagInstanceList`. */
export type TaskFlowInstance = NonNullable<ListTaskFlowInstanceResult['dagInstanceList']>[number];

/** Options of `client.waitForInstance`. */
export interface WaitOptions {
  dagId: Id;
  dagInstanceId: Id;
  /** Sent with every ListTaskFlowInstance. */
  tid?: Id;
  /** The status(es) to wait for. Default: every final one, `['failed', 'succeeded', 'completed']`. */
  until?: InstanceStatusLike | readonly InstanceStatusLike[];
  /** Between two polls (default 5000, at least 10). */
  intervalMs?: number;
  /** Rejects with code `Timeout` (retryable) after the last poll past this (default 600000). */
  timeoutMs?: number;
  /** Aborting rejects at once with code `Aborted` (the signal's reason as `cause`). */
  signal?: AbortSignal;
  /** Called after every poll; a callback that throws is ignored. */
  onProgress?: (progress: WaitProgress) => void;
}

/** What `onProgress` sees after each poll. `'unknown'`: a Status number outside 0-5. */
export interface WaitProgress {
  status: InstanceStatus | 'unknown';
  /** The Status number DMS sent. */
  statusCode: number;
  /** Polls so far, this one included. */
  polls: number;
  elapsedMs: number;
  /** The instance's list entry (ids as strings). */
  instance: TaskFlowInstance;
}

/** What `client.waitForInstance` resolves to: the poll that saw a wanted status. */
export interface WaitResult extends WaitProgress {
  status: InstanceStatus;
}

/** One method per task-flow operation (`client.listTaskFlowInstance(...)`), from the table. */
export interface DmsClient extends OperationMethods {}

export class DmsClient {
  /**
   * Throws `DmsError` (InvalidParameter) for malformed options. In Node and Bun, options that
   * name no credentials get them from the vendor's default chain (the environment, an OIDC
   * role, ~/.aliyun/config.json, ~/.alibabacloud/credentials, the ECS RAM role, a credentials URI).
   */
  constructor(options?: ClientOptions);
  /** A task-flow action with its wire parameter names (`{ DagId: '7' }`), checked against the table. */
  call<A extends Action>(action: A, params: WireParamsByAction[A], options?: CallOptions): Promise<ResultByAction[A]>;
  /** Any other DMS action, parameters as the vendor documents them; same signing, retries and errors. */
  call<S extends string>(
    action: S extends Action ? never : S,
    params?: { readonly [name: string]: AnyParamValue | undefined },
    options?: CallOptions,
  ): Promise<AnyResult>;
  /**
   * Polls ListTaskFlowInstance (paging until it finds the instance) until its status is one
   * of `until`. Rejects with `InvalidParameter`/`MissingParameter` before any request for bad
   * options, `InstanceNotFound`, `Timeout`, `Aborted`, or the error of a poll.
   */
  waitForInstance(options: WaitOptions): Promise<WaitResult>;
  /**
   * Every entry of a List operation that pages, fetching pages (100 entries, or `pageSize`)
   * as the loop asks, until a short page or `totalCount`. A failed page throws its DmsError.
   */
  paginate<M extends keyof PagedLists>(method: M, params: PagedParams<M>, options?: CallOptions): AsyncGenerator<PagedLists[M], void, undefined>;
  /** Endpoint and whether credentials are set; never the credentials. */
  toString(): string;
  toJSON(): { endpoint: string; credentials: "set" | "missing" | "from a function"; maxAttempts: number; timeoutMs: number };
}

/**
 * Client options and operation parameters in one object. In Node, without credentials in
 * the input, ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / ALIBABA_CLOUD_SECURITY_TOKEN are used.
 */
export function stopTaskFlowInstance(input: ClientOptions & StopTaskFlowInstanceParams, options?: CallOptions): Promise<OperationResult>;
export function resumeTaskFlowInstance(input: ClientOptions & ResumeTaskFlowInstanceParams, options?: CallOptions): Promise<OperationResult>;

/** Bytes of the wasm module's linear memory (it grows, never shrinks): for watching a long-lived process. */
export function wasmMemoryBytes(): number;

export interface SigningOptions {
  /** `YYYY-MM-DDThh:mm:ssZ`; default: now. */
  timestamp?: string;
  /** Default: 128 random bits as hex. */
  nonce?: string;
  /** `'GET'`: with V1, a presigned URL (everything in the query) for curl or a link. Default `'POST'`. */
  method?: 'POST' | 'GET';
}

export interface SignedRequest {
  method: 'POST' | 'GET';
  /** With V1 GET, the whole signed request; with V3, the parameters in the query. */
  url: string;
  /** V1 POST: `content-type`; V3: the `x-acs-*` headers and `authorization`; V1 GET: none. */
  headers: { [name: string]: string };
  /** V1 POST only: every parameter, common ones included, then `Signature`. */
  body?: string;
}

/** Builds and signs a request without sending it; parameters use their wire names. Throws `DmsError`. */
export function signRequest<A extends Action>(
  options: Pick<ClientOptions, 'accessKeyId' | 'accessKeySecret' | 'securityToken' | 'endpoint' | 'regionId' | 'network' | 'signatureVersion'>,
  action: A,
  params: WireParamsByAction[A],
  signing?: SigningOptions,
): SignedRequest;
