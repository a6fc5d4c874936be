/**
 * The emulator's two ways in, as on Atlas:
 * - HTTP Digest (RFC 7616, MD5, `qop="auth"`, realm `MMS Public API`) for API
 *   keys. Nonces expire by the emulator clock or after a bounded number of
 *   uses; a correct answer to an expired nonce gets `stale=true`.
 * - Bearer tokens issued by `POST /api/oauth/token` (client credentials) for
 *   service accounts, expiring by the emulator clock; `POST /api/oauth/revoke`.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Store } from "./store";
import type { AuthPrincipal } from "./types";
import { EmulatorError } from "./types";

export const DIGEST_REALM = "MMS Public API";
/** How long a nonce lives, by the emulator clock. */
export const NONCE_TTL_SECONDS = 300;
/** How many requests one nonce may authenticate before it is stale. */
export const NONCE_MAX_USES = 100;
export const TOKEN_TTL_SECONDS = 3600;

interface NonceState {
  readonly issuedAt: number;
  uses: number;
  readonly seenNc: Set<string>;
}

interface TokenState {
  readonly clientId: string;
  readonly expiresAt: number;
}

export type AuthOutcome =
  | { readonly ok: true; readonly principal: AuthPrincipal }
  | {
      readonly ok: false;
      /** What the request log records: a challenge for no credentials, else the scheme tried. */
      readonly logScheme: "digest-challenge" | "digest" | "bearer" | "none";
      readonly error: EmulatorError;
      readonly headers: Record<string, string>;
    };

/** Thrown by the OAuth endpoints: answered with the OAuth error body, not the Atlas one. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export class Authenticator {
  private readonly nonces = new Map<string, NonceState>();
  private readonly tokens = new Map<string, TokenState>();

  constructor(
    private readonly store: () => Store,
    private readonly now: () => Date,
  ) {}

  reset(): void {
    this.nonces.clear();
    this.tokens.clear();
  }

  /** Authenticate one API request from its `Authorization` header. */
  authenticate(method: string, rawUrl: string, authorization: string | undefined): AuthOutcome {
    if (!authorization) return this.challenge("digest-challenge", false);
    const [scheme, ...rest] = authorization.split(" ");
    const credentials = rest.join(" ").trim();
    switch (scheme.toLowerCase()) {
      case "digest":
        return this.digest(method, rawUrl, credentials);
      case "bearer":
        return this.bearer(credentials);
      default:
        return this.challenge("none", false);
    }
  }

  /** `POST /api/oauth/token`: Basic client credentials → a Bearer token. */
  issueToken(authorization: string | undefined, contentType: string | undefined, form: string): object {
    const client = this.basicClient(authorization);
    if ((contentType ?? "").split(";")[0].trim().toLowerCase() !== "application/x-www-form-urlencoded") {
      throw new OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
    }
    const grantType = new URLSearchParams(form).get("grant_type");
    if (grantType !== "client_credentials") {
      throw new OAuthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
    }
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { clientId: client, expiresAt: this.now().getTime() + TOKEN_TTL_SECONDS * 1000 });
    return { access_token: token, token_type: "Bearer", expires_in: TOKEN_TTL_SECONDS };
  }

  /**
   * The service account's secret is revoked (deleted in the UI): its tokens
   * stop working and it can get no new ones. Returns false for an unknown client.
   */
  revokeServiceAccount(clientId: string): boolean {
    const store = this.store();
    const before = store.serviceAccounts.length;
    store.serviceAccounts = store.serviceAccounts.filter((a) => a.clientId !== clientId);
    for (const [token, state] of this.tokens) if (state.clientId === clientId) this.tokens.delete(token);
    return store.serviceAccounts.length < before;
  }

  /** `POST /api/oauth/revoke`: forget a token (unknown tokens are fine, per RFC 7009). */
  revokeToken(authorization: string | undefined, form: string): void {
    this.basicClient(authorization);
    const token = new URLSearchParams(form).get("token");
    if (!token) throw new OAuthError(400, "invalid_request", "The token parameter is required.");
    this.tokens.delete(token);
  }

  private basicClient(authorization: string | undefined): string {
    const m = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
    const decoded = m ? Buffer.from(m[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const clientId = colon >= 0 ? decoded.slice(0, colon) : "";
    const secret = colon >= 0 ? decoded.slice(colon + 1) : "";
    const account = this.store().serviceAccounts.find((s) => s.clientId === clientId);
    if (!account || !safeEqual(account.clientSecret, secret)) {
      throw new OAuthError(401, "invalid_client", "Client authentication failed.");
    }
    return clientId;
  }

  private bearer(token: string): AuthOutcome {
    const state = this.tokens.get(token);
    if (!state || state.expiresAt <= this.now().getTime()) {
      if (state) this.tokens.delete(token);
      return {
        ok: false,
        logScheme: "bearer",
        error: unauthorized(state ? "The access token has expired." : "The access token is invalid."),
        headers: { "WWW-Authenticate": `Bearer error="invalid_token"` },
      };
    }
    return { ok: true, principal: { scheme: "bearer", principal: state.clientId } };
  }

  private digest(method: string, rawUrl: string, credentials: string): AuthOutcome {
    const p = parseDigestParams(credentials);
    const key = this.store().apiKeys.find((k) => k.publicKey === p.username);
    const wellFormed =
      p.username !== undefined &&
      p.realm === DIGEST_REALM &&
      p.nonce !== undefined &&
      p.uri !== undefined &&
      p.response !== undefined &&
      p.qop === "auth" &&
      p.nc !== undefined &&
      /^[0-9a-fA-F]{8}$/.test(p.nc) &&
      p.cnonce !== undefined &&
      (p.algorithm === undefined || p.algorithm.toUpperCase() === "MD5") &&
      sameRequestTarget(p.uri, rawUrl);
    if (!wellFormed || !key) return this.challenge("digest", false);
    const ha1 = md5(`${p.username}:${DIGEST_REALM}:${key.privateKey}`);
    const ha2 = md5(`${method}:${p.uri}`);
    const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    if (!safeEqual(expected, p.response!.toLowerCase())) return this.challenge("digest", false);
    const nonce = this.nonces.get(p.nonce!);
    const nowMs = this.now().getTime();
    const expired =
      !nonce || nonce.issuedAt + NONCE_TTL_SECONDS * 1000 <= nowMs || nowMs < nonce.issuedAt || nonce.uses >= NONCE_MAX_USES;
    if (expired) {
      // Right credentials, old nonce: the client should retry with the new one, without asking the user.
      return this.challenge("digest", true);
    }
    if (nonce.seenNc.has(p.nc!.toLowerCase())) return this.challenge("digest", false); // a replay
    nonce.seenNc.add(p.nc!.toLowerCase());
    nonce.uses++;
    return { ok: true, principal: { scheme: "digest", principal: key.publicKey } };
  }

  private challenge(logScheme: "digest-challenge" | "digest" | "bearer" | "none", stale: boolean): AuthOutcome {
    const nonce = randomBytes(16).toString("hex");
    this.nonces.set(nonce, { issuedAt: this.now().getTime(), uses: 0, seenNc: new Set() });
    this.pruneNonces();
    return {
      ok: false,
      logScheme,
      error: unauthorized("You are not authorized for this resource."),
      headers: {
        "WWW-Authenticate": `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`,
      },
    };
  }

  private pruneNonces(): void {
    if (this.nonces.size < 10_000) return;
    const cutoff = this.now().getTime() - NONCE_TTL_SECONDS * 1000;
    for (const [n, s] of this.nonces) if (s.issuedAt < cutoff) this.nonces.delete(n);
  }
}

function unauthorized(detail: string): EmulatorError {
  return new EmulatorError(401, "USER_UNAUTHORIZED", detail);
}

function md5(s: string): string {
  return createHash("md5").update(s, "utf8").digest("hex");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `uri` directive must name the request target (path and query). */
function sameRequestTarget(uri: string, rawUrl: string): boolean {
  if (uri === rawUrl) return true;
  try {
    const u = new URL(uri, "http://emulator");
    return `${u.pathname}${u.search}` === rawUrl;
  } catch {
    return false;
  }
}

/** Parse `k="v", k2=v2` (RFC 7616 auth-params; quoted strings may hold commas). */
export function parseDigestParams(s: string): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
  }
  return out;
}
