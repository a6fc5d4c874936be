/**
 * The bottom layer: one HTTP exchange over the undici dispatcher, with a
 * per-request timeout that covers the whole exchange (headers and body) and a
 * cap on how much of a body is read, so a slow, endless or huge answer can
 * neither hang the provider nor exhaust its memory.
 */
import type { Dispatcher } from "undici";
import { AtlasNetworkError } from "./errors";

/** Largest response body read in full; anything bigger is cut off and reported. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Error bodies are only quoted, so only this much of them is read. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The body was longer than the cap and was cut off. */
  readonly truncated: boolean;
}

export interface Exchange {
  readonly method: string;
  /** Request-target: path and query, as sent (and as digest-signed). */
  readonly target: string;
  /** For errors: the API path without the query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Socket errors that mean the connection was never made: the server cannot have seen the request. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Failures that retrying cannot fix (or that were already retried, like getting an OAuth token). */
const PERMANENT_CODES = /^(OAUTH_|ENOTFOUND|ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_INVALID_)/;

export class Transport {
  constructor(
    /** Called at each exchange: the client makes its dispatcher at the first one. */
    private readonly dispatcher: () => Dispatcher,
    private readonly origin: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sends one request and reads the answer. Throws {@link AtlasNetworkError}
   * when no complete answer arrives (timeout, reset, refused).
   */
  async exchange(ex: Exchange): Promise<RawResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let status: number | undefined;
    try {
      const res = await this.dispatcher().request({
        origin: this.origin,
        path: ex.target,
        method: ex.method as Dispatcher.HttpMethod,
        headers: ex.headers,
        body: ex.body,
        signal: controller.signal,
        // Backstops only: our own timer (covering the whole exchange) fires first.
        headersTimeout: this.timeoutMs + 1000,
        bodyTimeout: this.timeoutMs + 1000,
      });
      status = res.statusCode;
      const cap = status >= 200 && status < 300 ? MAX_RESPONSE_BYTES : MAX_ERROR_BODY_BYTES;
      const { body, truncated } = await readCapped(res.body, cap);
      return { status, headers: res.headers, body, truncated };
    } catch (err) {
      throw networkError(ex, err, timedOut, status);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function readCapped(stream: Dispatcher.ResponseData["body"], cap: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (size + buf.length > cap) {
      chunks.push(buf.subarray(0, cap - size));
      stream.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/** The error's own code or its cause's (undici wraps socket errors). */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkError(ex: Exchange, err: unknown, timedOut: boolean, status: number | undefined): AtlasNetworkError {
  const raw = errorCode(err);
  const code = timedOut || raw === "UND_ERR_HEADERS_TIMEOUT" || raw === "UND_ERR_BODY_TIMEOUT" ? "TIMEOUT" : (raw ?? "UNKNOWN");
  const notSent = !timedOut && status === undefined && NOT_SENT_CODES.has(code);
  let detail: string;
  if (code === "TIMEOUT") {
    detail =
      status === undefined
        ? "no answer within the request timeout"
        : `the answer (HTTP ${status}) did not complete within the request timeout`;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    detail = `connection failed (${code}: ${message.slice(0, 200)})`;
  }
  const error = new AtlasNetworkError({
    method: ex.method,
    path: ex.path,
    mayHaveBeenApplied: !notSent,
    code,
    detail,
    cause: err,
  });
  return error;
}

/** Whether a network failure is worth another attempt at all (DNS misses and TLS failures are not). */
export function isTransientNetworkError(err: AtlasNetworkError): boolean {
  return !PERMANENT_CODES.test(err.code);
}
