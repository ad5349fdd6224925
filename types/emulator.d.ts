// Types of `dms-taskflow/emulator` (Node only): a local stand-in for the DMS Enterprise
// gateway, for tests and demos. emulator/README.md in the package describes every check.

export interface EmulatorAccount {
  accessKeyId: string;
  accessKeySecret: string;
  /** An STS account's token; requests signed with this key id must carry it. */
  securityToken?: string;
  /**
   * An STS account's expiry, ms since the epoch by the emulator clock: from then on its
   * requests get 400 `InvalidSecurityToken.Expired`.
   */
  expiresAt?: number;
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
  /** Every account it accepts, those added with addAccount included (expired ones too). */
  readonly accounts: readonly EmulatorAccount[];
  /**
   * Accepts one more account from now on (a TypeError if its AccessKeyId is known, or if
   * `expiresAt` is given without a `securityToken`). Returns the frozen copy kept.
   */
  addAccount(account: EmulatorAccount): Readonly<EmulatorAccount>;
  /** The emulator clock now, ms since the epoch (what timestamps and expiry are judged by). */
  now(): number;
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

/** A raw answer for a stand-in's failNext: a string body is sent as text, anything else as JSON. */
export interface StandInRawAnswer {
  /** Default 500. */
  status?: number;
  body?: string | object;
  headers?: Record<string, string>;
}

/** One request a stand-in received. */
export interface StandInRequest {
  method: string;
  path: string;
  /** STS: the Action parameter; metadata: 'token', 'roles', 'role-credentials', 'credentials-uri' or null. */
  action: string | null;
  /** STS: the query string and form body merged; metadata: the query string. Values as sent (tokens included). */
  params: Record<string, string>;
  /** When it arrived, ms by the stand-in's clock. */
  at: number;
  /** HTTP status sent; null while unanswered (hangNext). */
  status: number | null;
  /**
   * 'ok', the error Code (STS) or 'BadRequest' / 'Unauthorized' / 'NotFound' /
   * 'MethodNotAllowed' (metadata), 'failNext', or 'hang'.
   */
  outcome: string | null;
  /** Metadata only: whether an x-aliyun-ecs-metadata-token header was sent (its value is not kept). */
  tokenSent?: boolean;
}

/** Credentials a stand-in issued (never their secret or token). */
export interface IssuedCredentials {
  accessKeyId: string;
  /** 'YYYY-MM-DDThh:mm:ssZ' */
  expiration: string;
  via: 'AssumeRole' | 'AssumeRoleWithOIDC' | 'EcsRamRole' | 'CredentialsUri';
  roleArn: string;
}

interface StandIn {
  readonly port: number;
  /** Every request received so far, in order of arrival. */
  readonly requests: readonly StandInRequest[];
  readonly issued: readonly IssuedCredentials[];
  /** The next request (queued in order with hangNext) gets exactly this answer, once. */
  failNext(response?: StandInRawAnswer): void;
  /** The next request is read and never answered, until close(). */
  hangNext(): void;
  close(): Promise<void>;
}

export interface StsStandInOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Clock in ms (default: the emulator's, `emu.now()`): timestamps, Expiration. */
  now?: () => number;
  /** OIDC tokens AssumeRoleWithOIDC accepts (default `['emulator-oidc-token']`). */
  oidcTokens?: readonly string[];
  /** Called with one line per request (never a secret). */
  log?: ((line: string) => void) | null;
}

export interface StsStandIn extends StandIn {
  /** `http://127.0.0.1:PORT/`: the endpoint to use instead of https://sts.aliyuncs.com. */
  readonly url: string;
}

export interface MetadataStandInOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Clock in ms (default: the emulator's, `emu.now()`): session tokens, Expiration. */
  now?: () => number;
  /** The instance's RAM role (default `DEFAULT_ROLE.roleName`, 'EmulatorEcsRole'). */
  roleName?: string;
  /** Answer metadata GETs sent without a session token (default true). */
  imdsv1?: boolean;
  /** Lifetime of issued credentials, 1-43200 s (default 21600). */
  durationSeconds?: number;
  /** Called with one line per request (never a secret). */
  log?: ((line: string) => void) | null;
}

export interface MetadataStandIn extends StandIn {
  /** `http://127.0.0.1:PORT`: the metadata service's root, instead of http://100.100.100.200. */
  readonly url: string;
  /** `${url}/credentials`: a credentials URI endpoint (ALIBABA_CLOUD_CREDENTIALS_URI). */
  readonly credentialsUri: string;
}

/** The role the stand-ins issue credentials for by default. */
export declare const DEFAULT_ROLE: Readonly<{
  accountId: string;
  /** 'EmulatorEcsRole' */
  roleName: string;
  /** `acs:ram::<accountId>:role/EmulatorEcsRole` */
  roleArn: string;
  /** `acs:ram::<accountId>:oidc-provider/EmulatorOidcProvider` */
  oidcProviderArn: string;
  /** 'emulator-oidc-token', accepted by default by AssumeRoleWithOIDC */
  oidcToken: string;
}>;

/** An STS stand-in (AssumeRole, AssumeRoleWithOIDC) whose credentials `emu` accepts until they expire. */
export declare function startStsStandIn(emu: Emulator, options?: StsStandInOptions): Promise<StsStandIn>;
/** An ECS metadata service and credentials URI stand-in whose credentials `emu` accepts until they expire. */
export declare function startMetadataStandIn(emu: Emulator, options?: MetadataStandInOptions): Promise<MetadataStandIn>;

export declare const DEFAULT_ACCOUNTS: readonly EmulatorAccount[];
export declare const DEFAULT_SEED: unknown;
export declare const DEFAULT_MODEL: EmulatorModel;
export declare const MODELS: readonly EmulatorModel[];
export declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>;
