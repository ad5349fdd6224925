// Types of `dms-taskflow/proxy`: the same-origin proxy a browser admin console's backend puts
// in front of DMS. It forwards the page's signed requests unchanged, only for the allowed
// actions; it holds no credentials and signs nothing. Plain JavaScript, no Node imports:
// Node, Cloudflare Workers, Deno and Bun.

export interface ProxyOptions {
  /**
   * The DMS actions forwarded, e.g. `['StopTaskFlowInstance', 'ResumeTaskFlowInstance']`.
   * Required and non-empty; each matches `^[A-Z][A-Za-z0-9]{0,63}$`. Any other action is
   * answered 403 `{ "Code": "Forbidden.Action" }` and never reaches DMS.
   */
  allow: readonly string[];
  /**
   * The DMS origin, `https://dms-enterprise.aliyuncs.com` by default: an http(s) origin with
   * no path, query or credentials. Requests are forwarded to `${target}/`.
   */
  target?: string;
  /**
   * The path the page uses as its endpoint, `/api/dms` by default. Exactly `${prefix}` and
   * `${prefix}/` are forwarded (with their query string); any other path is answered 404,
   * or handed to `next()` by the Node handler.
   */
  prefix?: string;
  /** The largest request body forwarded, in bytes: 65536 by default; larger is answered 413. */
  maxBodyBytes?: number;
  /** The fetch used to reach DMS; by default `globalThis.fetch`, looked up at each request. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * A fetch-style handler (Workers, Deno, Bun, any server speaking `Request`/`Response`).
 * @throws {TypeError} for a missing or malformed option.
 */
export function createFetchProxy(options: ProxyOptions): (request: Request) => Promise<Response>;

/** What the Node handler reads of a request: `http.IncomingMessage` (or Express's `req`). */
export interface NodeProxyRequest {
  method?: string | undefined;
  url?: string | undefined;
  /** Express's raw request target, preferred over `url` when present. */
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  readableEnded?: boolean;
  destroyed?: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
  resume(): unknown;
}

/** What the Node handler uses of a response: `http.ServerResponse` (or Express's `res`). */
export interface NodeProxyResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: Uint8Array): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  destroy(): unknown;
}

/**
 * A handler for `node:http` servers and Express-style stacks. Requests to another path call
 * `next()` when given, else get 404. Mount it before any body parser.
 * @throws {TypeError} for a missing or malformed option.
 */
export function createNodeProxy(
  options: ProxyOptions,
): (req: NodeProxyRequest, res: NodeProxyResponse, next?: (error?: unknown) => void) => void;
