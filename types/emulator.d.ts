// Types of `dms-taskflow/emulator` (Node only): a local stand-in for the DMS Enterprise
// gateway, for tests and demos. emulator/README.md in the package describes every check.

export interface EmulatorAccount {
  accessKeyId: string;
  accessKeySecret: string;
  /** An STS account's token; requests signed with this key id must carry it. */
  securityToken?: string;
}

/** A task-flow instance as the emulator holds it (ids as decimal strings). */
export interface EmulatorInstance {
  dagId: string;
  dagInstanceId: string;
  status: string;
  dagVersion: string;
  [field: string]: unknown;
}

/** One request the emulator received, with what its checks made of it. */
export interface EmulatorRequest {
  action: string | null;
  params: Record<string, string>;
  status: number;
  code: string | null;
  success?: boolean;
  [field: string]: unknown;
}

export type EmulatorModel = 'full' | 'instances';

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The accounts whose signatures it accepts (default: DEFAULT_ACCOUNTS). */
  accounts?: readonly EmulatorAccount[];
  /** The initial task flows, instances, scenarios... (default: DEFAULT_SEED). */
  seed?: unknown;
  /** 'full' (the default): all 52 operations on one in-memory model; 'instances': the instance operations only. */
  model?: EmulatorModel;
  /** Serve the API under this path (a same-origin proxy path) instead of `/`. */
  pathPrefix?: string;
  /** Answer CORS preflights and allow any origin. */
  cors?: boolean;
  /** The emulator's clock in ms (default: Date.now), for timestamp-window tests. */
  clock?: () => number;
  /** Called with one line per request. */
  log?: ((line: string) => void) | null;
  /** Refuse parameters the operation does not define (default true). */
  strictParams?: boolean;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT` (plus the path prefix): the endpoint to give a client. */
  readonly url: string;
  readonly port: number;
  readonly accounts: readonly EmulatorAccount[];
  readonly model: EmulatorModel;
  /** Every request received so far, in order. */
  readonly requests: readonly EmulatorRequest[];
  readonly requestCount: number;
  resetRequests(): void;
  getInstance(dagId: string | number | bigint, dagInstanceId: string | number | bigint): EmulatorInstance | undefined;
  addInstance(instance: Partial<EmulatorInstance> & { dagId: string; dagInstanceId: string }): EmulatorInstance;
  setInstanceStatus(dagId: string | number | bigint, dagInstanceId: string | number | bigint, status: string): void;
  listInstances(): EmulatorInstance[];
  getTaskFlow(dagId: string | number | bigint): unknown;
  listTaskFlows(): unknown[];
  /** Answers the next `times` requests with `response` (raw status, headers and body) instead of handling them. */
  failNext(response: { status?: number; headers?: Record<string, string>; body?: string | object }, times?: number): void;
  /** Injects a named fault (see emulator/README.md) into the next `times` requests. */
  fault(spec: { kind: string; [option: string]: unknown }, options?: { times?: number }): void;
  clearFaults(): void;
  /** Replaces the emulator's clock. */
  setClock(clock: (() => number) | null): void;
  close(): Promise<void>;
}

export declare const DEFAULT_ACCOUNTS: readonly EmulatorAccount[];
export declare const DEFAULT_SEED: unknown;
export declare const DEFAULT_MODEL: EmulatorModel;
export declare const MODELS: readonly EmulatorModel[];
export declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>;
