/**
 * The contract between the emulator's HTTP core (server, auth, spec
 * validation, clock, faults, rate limits, control API) and its route modules
 * (one per Atlas / Cloud Manager / Ops Manager resource family).
 *
 * The emulator is a separate program: nothing here may import from
 * `provider/`. It validates requests against the official OpenAPI subset and
 * its own rules, so tests of the provider prove agreement with the contract,
 * not with the provider's own code.
 */
import type { EmulatorClock } from "./clock";
import type { FaultInjector } from "./faults";
import type { RateLimiter } from "./rateLimit";
import type { Store } from "./store";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Which product a path belongs to; decides the rules a route applies. */
export type Platform = "atlas-v2" | "atlas-v1" | "public-v1";

export interface AuthPrincipal {
  /** `digest` for API keys, `bearer` for service-account tokens. */
  readonly scheme: "digest" | "bearer";
  /** Public key or client id: who acted (becomes `inviterUsername` etc.). */
  readonly principal: string;
}

export interface RouteRequest {
  readonly method: HttpMethod;
  /** The raw path as received, still encoded. */
  readonly rawPath: string;
  /** Path parameters from the route template, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (already validated against the spec for v2 paths), or undefined. */
  readonly body: unknown;
  /** The media-type version the client asked for (`2023-01-01`), or null on v1.0 paths. */
  readonly version: string | null;
  readonly auth: AuthPrincipal;
}

export interface RouteResponse {
  readonly status: number;
  /** JSON body; omitted for 204. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A body sent as is instead of JSON (the certificate endpoint answers a PEM file). */
  readonly text?: string;
}

export interface EmulatorContext {
  /** All time comes from here (the emulator clock), never from Date.now(). */
  now(): Date;
  readonly store: Store;
  /** Emulator settings (Ops Manager `bypassInviteForExistingUsers`, ...). */
  readonly settings: EmulatorSettings;
  /** `http://127.0.0.1:PORT`, for `links[].href` in responses. */
  readonly baseUrl?: string;
}

export interface EmulatorSettings {
  /** Ops Manager's `mms.user.bypassInviteForExistingUsers`. */
  bypassInviteForExistingUsers: boolean;
  /** Which product `/api/public/v1.0` behaves as. */
  publicApiFlavor: "cloud-manager" | "ops-manager";
}

/** One entry of `GET /__emulator/requests`. */
export interface LoggedRequest {
  method: string;
  /** Raw path as received (still URL-encoded), without the query string. */
  path: string;
  query: string;
  /** Status sent; 0 when the connection closed first (a reset fault, or the client gave up). */
  status: number;
  auth: "digest-challenge" | "digest" | "bearer" | "basic" | "none";
  /** The `Accept` version asked for on v2 paths. */
  version?: string;
  /** The injected fault that shaped this response, if any. */
  fault?: "status" | "reset" | "reset-after-commit" | "status-after-commit" | "delay";
  /** Emulator-clock time the request arrived. */
  at: string;
  /** Top-level field names of a JSON object body, sorted (never values): shows what a PATCH sent. */
  bodyFields?: string[];
}

/**
 * Everything the emulator holds, as the control API (`control.ts`) drives it.
 * The HTTP core's `EmulatorState` implements it; declared here so that
 * `control.ts` and `server.ts` do not import each other.
 */
export interface EmulatorRuntime extends EmulatorContext {
  store: Store;
  settings: EmulatorSettings;
  readonly clock: EmulatorClock;
  /** Only what the control API needs of the authenticator (`auth.ts` imports this file). */
  readonly auth: { revokeServiceAccount(clientId: string): boolean };
  readonly faults: FaultInjector;
  readonly rateLimiter: RateLimiter;
  requestLog: LoggedRequest[];
  /** Back to the state right after start: same ids and credentials, clock at real time. */
  reset(): void;
  /** Run every route module's housekeeping against the current clock. */
  sweep(): void;
}

/**
 * Housekeeping a route module runs as time passes (expire invitations, delete
 * temporary database users). The core calls every sweep before each request
 * and after every clock move, so state always matches the emulator clock.
 */
export type Sweep = (ctx: EmulatorContext) => void;

/** What each route module exports; `routes/index.ts` collects them. */
export interface RouteModule {
  readonly routes: readonly Route[];
  readonly sweep?: Sweep;
}

export interface Route {
  readonly method: HttpMethod;
  /**
   * Path template in OpenAPI form, matched segment by segment:
   * `/api/atlas/v2/orgs/{orgId}/users/{userId}:addRole`. For v2 paths it must
   * be the spec's own template so the core can find the operation to validate.
   */
  readonly path: string;
  readonly platform: Platform;
  handle(req: RouteRequest, ctx: EmulatorContext): RouteResponse | Promise<RouteResponse>;
}

/**
 * Thrown by route handlers; the core turns it into the Atlas error body
 * `{error, errorCode, detail, reason, parameters, badRequestDetail?}`.
 */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly parameters: readonly unknown[] = [],
    readonly badRequestDetail?: { fields: { field: string; description: string }[] },
  ) {
    super(detail);
  }
}
