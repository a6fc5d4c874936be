/**
 * The one Atlas API client. Resources describe an operation as an
 * {@link ApiRequest}; `send` does the rest, in layers over one undici
 * dispatcher: retry (outermost) → authentication (digest or OAuth) →
 * transport (timeout, capped reads) → errors (typed, redacted).
 */
import type { Dispatcher } from "undici";
import { BearerAuthenticator, DigestAuthenticator, OAuthTokenCache, type Authenticator, type IssuedToken } from "./auth";
import { AtlasApiError, AtlasNetworkError, InvalidOptionError } from "./errors";
import { apiErrorFromResponse, parseSuccessBody } from "./responses";
import { Redactor } from "./redact";
import { mediaType, type ApiRequest, type HttpMethod, type QueryValue } from "./request";
import { parseRetryAfter, retrying, type AttemptOutcome, type RetryPolicy } from "./retry";
import { isTransientNetworkError, Transport, type Exchange, type RawResponse } from "./transport";

/** API key (HTTP Digest) or service account (OAuth 2 client credentials). */
export type AtlasCredentials =
  | { readonly kind: "apiKey"; readonly publicKey: string; readonly privateKey: string }
  | { readonly kind: "serviceAccount"; readonly clientId: string; readonly clientSecret: string };

export interface AtlasClientOptions {
  /** Server root, e.g. `https://cloud.mongodb.com` or an Ops Manager URL. */
  baseUrl: string;
  credentials: AtlasCredentials;
  /** Injectable for tests; by default the client owns a keep-alive undici `Agent`. */
  dispatcher?: Dispatcher;
  /** Allow `http://` to a non-loopback host. `http://` to loopback (the emulator) is always allowed. */
  allowInsecureHttp?: boolean;
  /** Per-request timeout (headers and body), in milliseconds. */
  timeoutMs?: number;
  retry?: { maxAttempts?: number; maxElapsedMs?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Default true: reuse the cached digest challenge. False answers every challenge from scratch (benchmark baseline). */
  preemptiveDigest?: boolean;
  userAgent?: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};
export const DEFAULT_BASE_URL = "https://cloud.mongodb.com";
const DEFAULT_USER_AGENT = "pulumi-atlas-users";

/** Methods retried after 5xx and connection failures; POST and PATCH are retried only after 429. */
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(["GET", "PUT", "DELETE"]);
const RETRYABLE_5XX: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/** Cap on how much later than Retry-After a throttled request comes back. */
const MAX_429_SPREAD_MS = 10_000;
const METHODS: ReadonlySet<string> = new Set(["GET", "POST", "PATCH", "PUT", "DELETE"]);

interface NormalizedOptions {
  origin: string;
  basePath: string;
  timeoutMs: number;
  retry: RetryPolicy;
  preemptiveDigest: boolean;
  userAgent: string;
}

export class AtlasClient {
  private readonly options: NormalizedOptions;
  /** Made at the first request (see {@link AtlasClient.dispatcher}). */
  private ownDispatcher: Dispatcher | undefined;
  private readonly injectedDispatcher: Dispatcher | undefined;
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private readonly redactor: Redactor;
  private closed = false;
  /** Requests waiting to retry after a 429 (see {@link spreadRetryAfter}). */
  private throttledRequests = 0;

  constructor(options: AtlasClientOptions) {
    this.options = normalizeOptions(options);
    const creds = options.credentials;
    this.redactor = new Redactor(creds.kind === "apiKey" ? [creds.privateKey] : [creds.clientSecret]);
    this.injectedDispatcher = options.dispatcher;
    this.transport = new Transport(() => this.dispatcher(), this.options.origin, this.options.timeoutMs);
    if (creds.kind === "apiKey") {
      this.auth = new DigestAuthenticator(creds.publicKey, creds.privateKey, this.options.preemptiveDigest);
    } else {
      const tokens = new OAuthTokenCache(
        () => this.issueToken(creds.clientId, creds.clientSecret),
        (token) => this.redactor.add(token),
      );
      this.auth = new BearerAuthenticator(tokens);
    }
  }

  /**
   * Sends one API operation. Resolves to the parsed JSON body (`undefined` for
   * 204 or an empty body); rejects with {@link AtlasApiError} for an error
   * answer and {@link AtlasNetworkError} when no answer arrived.
   */
  async send<T = unknown>(req: ApiRequest): Promise<T> {
    if (this.closed) throw new Error("AtlasClient.send called after close()");
    validateRequest(req);
    const target = this.options.basePath + req.path + queryString(req.query);
    const headers: Record<string, string> = {
      accept: mediaType(req.version),
      "user-agent": this.options.userAgent,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = mediaType(req.version);
    }
    const ex: Exchange = { method: req.method, target, path: req.path, headers, ...(body !== undefined ? { body } : {}) };
    const redactor = this.redactor.forRequest(req.body);
    const idempotent = IDEMPOTENT.has(req.method);

    let waitingOut429 = false;
    try {
      return await retrying<T>(this.options.retry, async (attempt): Promise<AttemptOutcome<T>> => {
        if (waitingOut429) {
          waitingOut429 = false;
          this.throttledRequests -= 1;
        }
        return this.attempt<T>(req, ex, redactor, idempotent, attempt, () => {
          waitingOut429 = true;
          this.throttledRequests += 1;
        });
      });
    } finally {
      if (waitingOut429) this.throttledRequests -= 1;
    }
  }

  /** One attempt of `send`; `onThrottled` is called when the answer is a 429. */
  private async attempt<T>(
    req: ApiRequest,
    ex: Exchange,
    redactor: Redactor,
    idempotent: boolean,
    attempt: number,
    onThrottled: () => void,
  ): Promise<AttemptOutcome<T>> {
    let outcome;
    try {
      outcome = await this.auth.exchange(ex, (e) => {
        redactor.addAuthorization(e.headers.authorization);
        return this.transport.exchange(e);
      });
    } catch (err) {
      return this.failedExchange(err, idempotent, attempt, redactor);
    }
    const { response, rejected } = outcome;
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, value: parseSuccessBody<T>(response, ex, redactor, req.returns, req.returnsText) };
    }
    const hint = rejected ? this.rejectionHint() : undefined;
    const error = apiErrorFromResponse(response, ex, redactor, { attempt, hint });
    const throttled = response.status === 429;
    if (throttled) onThrottled();
    const retryAfterMs = retryAfterOf(response).retryAfterMs;
    return {
      ok: false,
      error,
      retryable: !rejected && (throttled || (idempotent && RETRYABLE_5XX.has(response.status))),
      throttled,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs: throttled ? this.spreadRetryAfter(retryAfterMs) : retryAfterMs }),
    };
  }

  /**
   * Retry-After is the wait for about one token of the server's bucket. When
   * k of this client's requests are waiting out a 429, sending all of them
   * again after Retry-After would spend one token and earn k−1 new 429s; so
   * each waits Retry-After plus a random share of (k−1) × Retry-After (at most
   * {@link MAX_429_SPREAD_MS} more), and they come back about one per token.
   */
  private spreadRetryAfter(retryAfterMs: number): number {
    const others = Math.max(0, this.throttledRequests - 1);
    return retryAfterMs + Math.round(Math.random() * Math.min(others * retryAfterMs, MAX_429_SPREAD_MS));
  }

  /**
   * The injected dispatcher, or the client's own keep-alive undici `Agent`,
   * made (and undici loaded: 110 modules) at the first request. An engine
   * operation that sends none, such as a preview (`check` and `diff` only),
   * never loads it.
   */
  private dispatcher(): Dispatcher {
    if (this.injectedDispatcher) return this.injectedDispatcher;
    if (!this.ownDispatcher) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Agent } = require("undici") as typeof import("undici");
      this.ownDispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
    }
    return this.ownDispatcher;
  }

  /** Closes the client's own connection pool, if it made one (an injected dispatcher is left open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ownDispatcher?.close();
  }

  private failedExchange<T>(err: unknown, idempotent: boolean, attempt: number, redactor: Redactor): AttemptOutcome<T> {
    if (err instanceof AtlasNetworkError) {
      const error = new AtlasNetworkError({
        method: err.method,
        path: err.path,
        mayHaveBeenApplied: err.mayHaveBeenApplied,
        code: err.code,
        detail: redactor.redact(err.detail),
        cause: err.cause,
        attempts: attempt,
      });
      // Unsent requests are safe to repeat; sent ones only when idempotent.
      const retryable = isTransientNetworkError(err) && (idempotent || !err.mayHaveBeenApplied);
      return { ok: false, error, retryable };
    }
    // Errors from the token endpoint and our own validation are already final.
    return { ok: false, error: err instanceof Error ? err : new Error(String(err)), retryable: false };
  }

  private rejectionHint(): string {
    return this.auth instanceof DigestAuthenticator
      ? "The API key was rejected: check that the public and private key belong together, that the key has access to this organization or project, and that this machine's IP address is on the key's access list"
      : "The service account's access token was refused: check that the service account has access to this organization or project and that this machine's IP address is on its access list";
  }

  /** OAuth 2 client credentials grant against `{baseUrl}/api/oauth/token`. */
  private async issueToken(clientId: string, clientSecret: string): Promise<IssuedToken> {
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64");
    const path = "/api/oauth/token";
    const ex: Exchange = {
      method: "POST",
      target: this.options.basePath + path,
      path,
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        "user-agent": this.options.userAgent,
      },
      body: "grant_type=client_credentials",
    };
    const redactor = this.redactor.forRequest(undefined);
    redactor.addAuthorization(ex.headers.authorization);
    // Asking for a token changes nothing server-side, so it is retried like a GET.
    try {
      return await this.requestToken(ex, redactor);
    } catch (err) {
      // A token endpoint that cannot be reached or keeps failing (5xx, 429):
      // the API request itself was never sent (a refused one was answered),
      // and the token request was already retried. Not an answer that may
      // have been applied, which a 5xx to a POST would otherwise look like.
      // A rejected service account (400, 401) stays an AtlasApiError with its hint.
      const unavailable = err instanceof AtlasNetworkError || (err instanceof AtlasApiError && (err.status >= 500 || err.status === 429));
      if (!unavailable) throw err;
      throw new AtlasNetworkError({
        method: err.method,
        path: err.path,
        mayHaveBeenApplied: false,
        code: "OAUTH_TOKEN_UNAVAILABLE",
        detail: `could not get an access token: ${err instanceof AtlasNetworkError ? err.detail : err.message.slice(`${err.method} ${err.path}: `.length)}`,
        cause: err instanceof AtlasNetworkError ? err.cause : err,
      });
    }
  }

  private requestToken(ex: Exchange, redactor: Redactor): Promise<IssuedToken> {
    return retrying<IssuedToken>(this.options.retry, async (attempt) => {
      let response: RawResponse;
      try {
        response = await this.transport.exchange(ex);
      } catch (err) {
        return this.failedExchange(err, true, attempt, redactor);
      }
      if (response.status >= 200 && response.status < 300) {
        return { ok: true, value: parseToken(response, ex, redactor) };
      }
      const hint =
        response.status === 400 || response.status === 401
          ? "The service account was rejected: check mongodbatlas:clientId and mongodbatlas:clientSecret (or MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET), and that the secret has not expired"
          : undefined;
      return {
        ok: false,
        error: apiErrorFromResponse(response, ex, redactor, { attempt, hint }),
        retryable: response.status === 429 || RETRYABLE_5XX.has(response.status),
        ...retryAfterOf(response),
      };
    });
  }
}

function retryAfterOf(response: RawResponse): { retryAfterMs?: number } {
  const ms = parseRetryAfter(response.headers["retry-after"]);
  return ms === undefined ? {} : { retryAfterMs: ms };
}

function parseToken(response: RawResponse, ex: Exchange, redactor: Redactor): IssuedToken {
  const json = parseSuccessBody<Record<string, unknown> | undefined>(response, ex, redactor);
  const accessToken = json?.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new AtlasApiError({
      status: response.status,
      method: ex.method,
      path: ex.path,
      detail: "the token endpoint's answer has no access_token",
    });
  }
  redactor.add(accessToken);
  const expiresIn = Number(json?.expires_in);
  return { accessToken, expiresInSec: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600 };
}

function queryString(query: ApiRequest["query"]): string {
  if (!query) return "";
  const parts: string[] = [];
  const add = (key: string, value: string) => parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  for (const [key, value] of Object.entries(query) as [string, QueryValue][]) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) add(key, v);
    else add(key, String(value));
  }
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

function validateRequest(req: ApiRequest): void {
  if (!METHODS.has(req.method)) throw new InvalidOptionError("request.method", `${String(req.method)} is not one of ${[...METHODS].join(", ")}`);
  if (typeof req.path !== "string" || !req.path.startsWith("/") || /[?#\s]/.test(req.path)) {
    throw new InvalidOptionError("request.path", `must start with "/" and contain no query, fragment or whitespace (build it with apiPath), got ${JSON.stringify(req.path)}`);
  }
}

/** Loopback hosts, where plain `http://` is accepted (the local emulator). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Checks a base URL: absolute http(s), no credentials, query or fragment,
 * `https://` unless loopback or `allowInsecureHttp`. Returns origin and path
 * prefix (without trailing slash). `label` names the setting in errors.
 */
export function parseBaseUrl(baseUrl: string, allowInsecureHttp: boolean, label = "baseUrl"): { origin: string; basePath: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InvalidOptionError(label, `${JSON.stringify(baseUrl)} is not an absolute URL; use the server root, e.g. ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidOptionError(label, `${JSON.stringify(baseUrl)} must use https:// (got ${url.protocol})`);
  }
  if (url.username || url.password) {
    throw new InvalidOptionError(label, "must not contain a user name or password; set the credentials separately");
  }
  if (url.search || url.hash) {
    throw new InvalidOptionError(label, `${JSON.stringify(baseUrl)} must not contain a query or fragment`);
  }
  if (/\/api(\/|$)/.test(url.pathname)) {
    throw new InvalidOptionError(label, `${JSON.stringify(baseUrl)} must be the server root without /api/... (e.g. ${DEFAULT_BASE_URL})`);
  }
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new InvalidOptionError(
      label,
      `${JSON.stringify(baseUrl)} uses plain http:// to a non-loopback host, which would send credentials unencrypted; use https://, or set atlasUsers:allowInsecureHttp to true if you really mean it`,
    );
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
}

function positiveInt(name: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(name, `must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonEmpty(name: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidOptionError(name, "must be a non-empty string");
  }
}

/** Validates options once, up front, and fills in defaults. */
function normalizeOptions(options: AtlasClientOptions): NormalizedOptions {
  if (options === null || typeof options !== "object") throw new InvalidOptionError("options", "must be an object");
  if (typeof options.baseUrl !== "string") throw new InvalidOptionError("baseUrl", "must be a string URL");
  const { origin, basePath } = parseBaseUrl(options.baseUrl, options.allowInsecureHttp === true);
  const creds = options.credentials as AtlasCredentials | undefined;
  if (!creds || typeof creds !== "object") throw new InvalidOptionError("credentials", 'must be {kind: "apiKey", ...} or {kind: "serviceAccount", ...}');
  if (creds.kind === "apiKey") {
    nonEmpty("credentials.publicKey", creds.publicKey);
    nonEmpty("credentials.privateKey", creds.privateKey);
  } else if (creds.kind === "serviceAccount") {
    nonEmpty("credentials.clientId", creds.clientId);
    nonEmpty("credentials.clientSecret", creds.clientSecret);
  } else {
    throw new InvalidOptionError("credentials.kind", `must be "apiKey" or "serviceAccount", got ${JSON.stringify((creds as { kind?: unknown }).kind)}`);
  }
  const retry = options.retry ?? {};
  return {
    origin,
    basePath,
    timeoutMs: positiveInt("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS),
    retry: {
      maxAttempts: positiveInt("retry.maxAttempts", retry.maxAttempts, DEFAULT_RETRY.maxAttempts),
      maxElapsedMs: positiveInt("retry.maxElapsedMs", retry.maxElapsedMs, DEFAULT_RETRY.maxElapsedMs, 0),
      baseDelayMs: positiveInt("retry.baseDelayMs", retry.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 0),
      maxDelayMs: positiveInt("retry.maxDelayMs", retry.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 0),
    },
    preemptiveDigest: options.preemptiveDigest ?? true,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
  };
}
