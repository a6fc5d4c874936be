/**
 * The emulator's HTTP core: one node:http server on 127.0.0.1. Each API
 * request goes through the same pipeline, in the order Atlas applies them:
 *
 *   body cap → auth (Digest / Bearer) → injected faults → route match (404/405)
 *   → rate limit → version + content type + spec validation (v2) → route handler
 *
 * The control API (`/__emulator/...`) and the OAuth endpoints sit beside it.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Authenticator, DIGEST_REALM, OAuthError } from "./auth";
import { EmulatorClock } from "./clock";
import { atlasContract, baseMediaType, requestedVersion as requestedVersionOf, type AtlasContract, type NegotiatedVersion } from "./contract";
import { handleControl, type ControlResponse } from "./control";
import { atlasErrorBody, defaultErrorCode, reasonPhrase } from "./errors";
import { FaultInjector, type FaultRule } from "./faults";
import { RateLimiter, rateLimitKey, type RateLimitDecision } from "./rateLimit";
import { routes as allRoutes, sweeps as allSweeps } from "./routes";
import { applySeed, defaultSeed, type SeedInput, type SeedResult } from "./seed";
import { emptyStore, type Store } from "./store";
import {
  EmulatorError,
  type AuthPrincipal,
  type EmulatorRuntime,
  type EmulatorSettings,
  type HttpMethod,
  type LoggedRequest,
  type Route,
  type RouteResponse,
} from "./types";

/** Request bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

const API_PREFIXES = ["/api/atlas/v2/", "/api/atlas/v1.0/", "/api/public/v1.0/"];
const API_ROOTS = ["/api/atlas/v2", "/api/atlas/v1.0", "/api/public/v1.0"];

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** No log lines at all (tests). */
  quiet?: boolean;
  /** Replaces the default seed. Missing org, project, API key or service account are generated. */
  seed?: SeedInput;
  /** Where log lines go (default: stdout). */
  log?: (line: string) => void;
}

/** The seeded defaults a client needs: what `main.ts` prints as its first line. */
export interface EmulatorInfo {
  readonly baseUrl: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly orgId: string;
  readonly projectId: string;
}

export interface RunningEmulator extends EmulatorInfo {
  close(): Promise<void>;
}

/** Everything the emulator holds; `reset` puts it back to the initial seed. */
export class EmulatorState implements EmulatorRuntime {
  store: Store = emptyStore();
  settings: EmulatorSettings = defaultSettings();
  readonly clock = new EmulatorClock();
  readonly auth: Authenticator;
  readonly faults = new FaultInjector();
  readonly rateLimiter = new RateLimiter();
  requestLog: LoggedRequest[] = [];
  baseUrl = "";
  initial!: SeedResult;

  constructor(
    private initialSeed: SeedInput,
    readonly contract: AtlasContract,
  ) {
    this.auth = new Authenticator(
      () => this.store,
      () => this.now(),
    );
    this.reset();
    // From now on `reset` recreates exactly these ids and credentials.
    this.initialSeed = freezeSeed(this.initialSeed, this.initial);
  }

  now(): Date {
    return this.clock.now();
  }

  /** Back to the state right after start: same ids and credentials, clock at real time. */
  reset(): void {
    this.store = emptyStore();
    this.settings = defaultSettings();
    this.clock.reset();
    this.auth.reset();
    this.faults.clear();
    this.rateLimiter.configure(undefined);
    this.requestLog = [];
    this.initial = applySeed(this.store, this.initialSeed, this.now());
  }

  /** Run every route module's housekeeping against the current clock. */
  sweep(): void {
    for (const sweep of allSweeps) sweep(this);
  }
}

function defaultSettings(): EmulatorSettings {
  return { bypassInviteForExistingUsers: false, publicApiFlavor: "cloud-manager" };
}

/** The seed with every generated id and secret filled in from what seeding produced. */
function freezeSeed(seed: SeedInput, result: SeedResult): SeedInput {
  return {
    ...seed,
    orgs: result.orgs,
    projects: result.projects,
    teams: result.teams,
    apiKeys: result.apiKeys,
    serviceAccounts: result.serviceAccounts,
    cloudUsers: seed.cloudUsers?.map((u, i) => ({ ...u, id: result.cloudUsers[i].id })),
  };
}

/** The seed used at start: the given one completed with whatever the info line needs. */
export function completeSeed(seed: SeedInput | undefined): SeedInput {
  if (!seed) return defaultSeed();
  const defaults = defaultSeed();
  return {
    ...seed,
    orgs: seed.orgs?.length ? seed.orgs : defaults.orgs,
    projects: seed.projects?.length ? seed.projects : defaults.projects,
    apiKeys: seed.apiKeys?.length ? seed.apiKeys : defaults.apiKeys,
    serviceAccounts: seed.serviceAccounts?.length ? seed.serviceAccounts : defaults.serviceAccounts,
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const state = new EmulatorState(completeSeed(options.seed), atlasContract());
  const log = options.quiet ? () => undefined : (options.log ?? ((line: string) => process.stdout.write(`${line}\n`)));
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    handle(state, req, res, log).catch((err: unknown) => {
      log(`emulator: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) {
        sendJson(res, 500, atlasErrorBody(new EmulatorError(500, "UNEXPECTED_ERROR", "Unexpected error.")));
      } else {
        res.destroy();
      }
    });
  });
  // Longer than any client keeps an idle connection (undici: 4 s), so the
  // client always closes first: with node's 5 s default, a request sent on an
  // idle connection just as the server closed it failed with ECONNRESET
  // (seen when a busy event loop delayed both timers).
  server.keepAliveTimeout = 65_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}`;
  const seeded = state.initial;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: state.baseUrl,
    publicKey: seeded.apiKeys[0].publicKey,
    privateKey: seeded.apiKeys[0].privateKey,
    clientId: seeded.serviceAccounts[0].clientId,
    clientSecret: seeded.serviceAccounts[0].clientSecret,
    orgId: seeded.orgs[0].id,
    projectId: seeded.projects[0].id,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Give in-flight responses a moment, then drop what is left (keep-alive clients).
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 200).unref();
      });
      return closing;
    },
  };
}

class BodyTooLarge extends Error {}

/** The keys of a JSON object body, for the request log; undefined for anything else. */
function bodyFieldNames(body: Buffer): string[] | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? Object.keys(parsed).sort() : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: http.IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > cap) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        req.removeAllListeners("data");
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function handle(
  state: EmulatorState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  log: (line: string) => void,
): Promise<void> {
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  const queryString = q >= 0 ? rawUrl.slice(q + 1) : "";
  const method = (req.method ?? "GET").toUpperCase();

  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    res.setHeader("Connection", "close");
    const tooLarge = new EmulatorError(
      413,
      "PAYLOAD_TOO_LARGE",
      `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
      [MAX_BODY_BYTES],
    );
    sendJson(res, 413, atlasErrorBody(tooLarge));
    res.on("finish", () => req.destroy());
    return;
  }

  state.sweep();

  if (rawPath.startsWith("/__emulator/")) {
    const out: ControlResponse = await handleControl(state, method, rawPath.slice("/__emulator/".length), body);
    sendJson(res, out.status, out.body);
    return;
  }

  const entry: LoggedRequest = {
    method,
    path: rawPath,
    query: queryString,
    status: 0,
    auth: "none",
    at: state.now().toISOString(),
  };
  const fields = bodyFieldNames(body);
  if (fields) entry.bodyFields = fields;
  state.requestLog.push(entry);
  res.on("finish", () => {
    entry.status = res.statusCode;
  });
  const started = Date.now();
  res.on("close", () => {
    log(`${entry.at} ${method} ${rawUrl} ${res.writableFinished ? res.statusCode : "reset"} ${entry.auth} ${Date.now() - started}ms`);
  });

  if (rawPath === "/api/oauth/token" || rawPath === "/api/oauth/revoke") {
    entry.auth = "basic";
    await handleOAuth(state, req, res, method, rawPath, body, entry);
    return;
  }

  const isApi = API_PREFIXES.some((p) => rawPath.startsWith(p)) || API_ROOTS.includes(rawPath);
  if (!isApi) {
    sendError(res, notFound(rawPath));
    return;
  }

  const outcome = state.auth.authenticate(method, rawUrl, headerValue(req.headers.authorization));
  if (!outcome.ok) {
    entry.auth = outcome.logScheme;
    sendError(res, outcome.error, outcome.headers);
    return;
  }
  entry.auth = outcome.principal.scheme;

  // A fault that strikes before the route runs is used up here; one that
  // strikes after the commit only once the route has applied the change.
  const fault = state.faults.match(method, rawPath);
  if (fault && !fault.afterCommit && state.faults.use(fault) && (await applyFaultBefore(fault, req, res, entry))) return;

  const matched = matchRoute(method, rawPath);
  if (matched.kind === "not-found") {
    sendError(res, notFound(rawPath));
    return;
  }
  if (matched.kind === "method-not-allowed") {
    sendError(
      res,
      new EmulatorError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed on ${rawPath}.`, [method]),
      { Allow: matched.allowed.join(", ") },
    );
    return;
  }
  const { route, params } = matched;

  const decision = state.rateLimiter.take(
    rateLimitKey(route.platform, route.path, params, outcome.principal.principal),
    state.now().getTime(),
  );
  const limitHeaders = rateLimitHeaders(decision);
  if (decision && !decision.allowed) {
    const err = new EmulatorError(
      429,
      "RATE_LIMITED",
      `Too many requests to ${route.path}; retry after ${decision.retryAfterSeconds} seconds.`,
      [rawPath, decision.retryAfterSeconds, decision.limit],
    );
    sendError(res, err, { ...limitHeaders, "Retry-After": String(decision.retryAfterSeconds) });
    return;
  }

  let response: RouteResponse;
  let served: NegotiatedVersion | undefined;
  try {
    const prepared = prepareRequest(state, route, params, method, rawPath, queryString, req, body, outcome.principal);
    served = prepared.served;
    entry.version = prepared.requestedVersion;
    response = await route.handle(prepared.request, state);
  } catch (err) {
    if (!(err instanceof EmulatorError)) throw err;
    sendError(res, err, limitHeaders);
    return;
  }

  if (fault?.afterCommit && state.faults.use(fault)) {
    // The change is applied; the client never hears about it.
    await applyFaultAfterCommit(fault, req, res, entry);
    return;
  }
  const headers: Record<string, string> = { ...limitHeaders, ...(response.headers ?? {}) };
  if (response.status === 204 || (response.body === undefined && response.text === undefined)) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const contentType = served && response.status < 300 ? served.mediaType : "application/json";
  if (response.text !== undefined) {
    res.writeHead(response.status, { ...headers, "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(response.text)) });
    res.end(response.text);
    return;
  }
  const query = new URLSearchParams(queryString);
  sendJson(res, response.status, wrapEnvelope(response, query), { ...headers, "Content-Type": contentType }, query.get("pretty") === "true");
}

/** Validate and parse: the route only ever sees a well-formed request. */
function prepareRequest(
  state: EmulatorState,
  route: Route,
  params: Record<string, string>,
  method: string,
  rawPath: string,
  queryString: string,
  req: http.IncomingMessage,
  body: Buffer,
  auth: AuthPrincipal,
): { request: Parameters<Route["handle"]>[0]; served?: NegotiatedVersion; requestedVersion?: string } {
  const query = new URLSearchParams(queryString);
  const hasBody = body.length > 0;
  const contentType = headerValue(req.headers["content-type"]);
  let served: NegotiatedVersion | undefined;
  let requestedVersion: string | undefined;
  if (route.platform === "atlas-v2") {
    const op = state.contract.operation(route.method, route.path);
    if (!op) throw new EmulatorError(500, "UNEXPECTED_ERROR", `No spec operation for ${route.method} ${route.path}.`);
    const accept = headerValue(req.headers.accept);
    requestedVersion = requestedVersionOf(accept);
    served = state.contract.negotiate(op, accept, state.now());
    if (hasBody && op.requestBodies.size > 0) state.contract.checkContentType(op, contentType, accept, served);
    state.contract.validateParameters(op, params, query);
    const parsed = hasBody && op.requestBodies.size > 0 ? parseJson(body) : undefined;
    state.contract.validateBody(op, served.version, parsed);
    return {
      request: { method: method as HttpMethod, rawPath, params, query, body: parsed, version: served.version, auth },
      served,
      requestedVersion,
    };
  }
  // v1.0 APIs: plain application/json.
  if (hasBody && baseMediaType(contentType) !== "application/json") {
    throw new EmulatorError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type ${baseMediaType(contentType) ?? "(none)"} is not supported here; send application/json.`,
      [baseMediaType(contentType) ?? ""],
    );
  }
  const parsed = hasBody ? parseJson(body) : undefined;
  return { request: { method: method as HttpMethod, rawPath, params, query, body: parsed, version: null, auth } };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new EmulatorError(400, "INVALID_JSON", "Received JSON is malformed.");
  }
}

/** `envelope=true`: lists get `status` added; other bodies become `{status, content}`. */
function wrapEnvelope(response: RouteResponse, query: URLSearchParams): unknown {
  if (query.get("envelope") !== "true") return response.body;
  const body = response.body as Record<string, unknown>;
  if (body && typeof body === "object" && Array.isArray(body.results)) return { ...body, status: response.status };
  return { status: response.status, content: response.body };
}

async function applyFaultBefore(
  fault: FaultRule,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  entry: LoggedRequest,
): Promise<boolean> {
  if (fault.delayMs) {
    entry.fault = "delay";
    await new Promise((r) => setTimeout(r, fault.delayMs));
  }
  if (fault.reset && !fault.afterCommit) {
    entry.fault = "reset";
    resetConnection(req, res);
    return true;
  }
  if (fault.status !== undefined) {
    entry.fault = "status";
    sendFaultStatus(fault, fault.status, res);
    return true;
  }
  return false;
}

/** The route has applied the change: drop the connection, or answer the rule's status. */
async function applyFaultAfterCommit(fault: FaultRule, req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest): Promise<void> {
  if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault.reset) {
    entry.fault = "reset-after-commit";
    resetConnection(req, res);
    return;
  }
  entry.fault = "status-after-commit";
  sendFaultStatus(fault, fault.status!, res);
}

function sendFaultStatus(fault: FaultRule, status: number, res: http.ServerResponse): void {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
  if (fault.body !== undefined) {
    res.writeHead(status, { ...headers, "Content-Type": fault.contentType ?? "text/plain" });
    res.end(fault.body);
  } else {
    sendError(res, new EmulatorError(status, defaultErrorCode(status), `Injected fault: ${reasonPhrase(status)}.`), headers);
  }
}

function resetConnection(req: http.IncomingMessage, res: http.ServerResponse): void {
  const socket = req.socket as Socket & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
  res.destroy();
}

type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly { readonly regex: RegExp; readonly names: readonly string[]; readonly literal: number }[];
  /** Literal characters in the template: the more, the more specific. */
  readonly specificity: number;
}

const compiledRoutes: readonly CompiledRoute[] = compileRoutes(allRoutes);

function compileRoutes(routes: readonly Route[]): CompiledRoute[] {
  return routes
    .map((route) => {
      const segments = route.path
        .split("/")
        .slice(1)
        .map((segment) => {
          const names: string[] = [];
          const pattern = segment
            .split(/(\{[^}]+\})/)
            .map((part) => {
              const m = /^\{([^}]+)\}$/.exec(part);
              if (m) {
                names.push(m[1]);
                return "([^/]+)";
              }
              return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            })
            .join("");
          return { regex: new RegExp(`^${pattern}$`), names, literal: segment.replace(/\{[^}]+\}/g, "").length };
        });
      return { route, segments, specificity: segments.reduce((n, s) => n + s.literal, 0) };
    })
    .sort((a, b) => b.specificity - a.specificity);
}

/**
 * Match segment by segment on the raw path; parameters are URL-decoded after
 * matching. The most specific matching template wins (`{userId}:addRole` over
 * `{userId}`), and a wrong method on it is 405.
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const parts = rawPath.split("/").slice(1);
  let template: string | undefined;
  const allowed = new Set<string>();
  for (const compiled of compiledRoutes) {
    if (template !== undefined && compiled.route.path !== template) continue;
    const params = matchSegments(compiled, parts);
    if (!params) continue;
    template = compiled.route.path;
    if (compiled.route.method === method) return { kind: "found", route: compiled.route, params };
    allowed.add(compiled.route.method);
  }
  return allowed.size > 0 ? { kind: "method-not-allowed", allowed: [...allowed].sort() } : { kind: "not-found" };
}

function matchSegments(compiled: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  if (compiled.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const m = compiled.segments[i].regex.exec(parts[i]);
    if (!m) return undefined;
    compiled.segments[i].names.forEach((name, j) => {
      params[name] = safeDecode(m[j + 1]);
    });
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // malformed percent-encoding: keep it as sent, so lookups simply miss
  }
}

async function handleOAuth(
  state: EmulatorState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  method: string,
  rawPath: string,
  body: Buffer,
  entry: LoggedRequest,
): Promise<void> {
  const fault = state.faults.match(method, rawPath);
  if (fault && !fault.afterCommit && state.faults.use(fault) && (await applyFaultBefore(fault, req, res, entry))) return;
  if (method !== "POST") {
    sendError(res, new EmulatorError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed on ${rawPath}.`, [method]), {
      Allow: "POST",
    });
    return;
  }
  const authorization = headerValue(req.headers.authorization);
  try {
    if (rawPath === "/api/oauth/token") {
      const token = state.auth.issueToken(authorization, headerValue(req.headers["content-type"]), body.toString("utf8"));
      if (fault?.afterCommit && state.faults.use(fault)) {
        await applyFaultAfterCommit(fault, req, res, entry);
        return;
      }
      sendJson(res, 200, token, { "Cache-Control": "no-store" });
    } else {
      state.auth.revokeToken(authorization, body.toString("utf8"));
      res.writeHead(200);
      res.end();
    }
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    const headers: Record<string, string> = err.status === 401 ? { "WWW-Authenticate": `Basic realm="${DIGEST_REALM}"` } : {};
    sendJson(res, err.status, { error: err.error, error_description: err.description }, headers);
  }
}

function rateLimitHeaders(decision: RateLimitDecision | undefined): Record<string, string> {
  if (!decision) return {};
  return { "RateLimit-Limit": String(decision.limit), "RateLimit-Remaining": String(decision.remaining) };
}

function notFound(rawPath: string): EmulatorError {
  return new EmulatorError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${rawPath}.`, [rawPath]);
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function sendError(res: http.ServerResponse, err: EmulatorError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, atlasErrorBody(err), headers);
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  pretty = false,
): void {
  const text = JSON.stringify(body, null, pretty ? 2 : undefined);
  res.writeHead(status, {
    "Content-Type": "application/json",
    ...headers,
    "Content-Length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}
