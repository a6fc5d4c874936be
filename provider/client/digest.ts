/**
 * HTTP Digest access authentication (RFC 7616), as Atlas, Cloud Manager and
 * Ops Manager use it for API keys: username = public key, password = private
 * key, MD5, `qop=auth`.
 *
 * {@link DigestSession} caches the last challenge and counts `nc`, so steady
 * state requests go out pre-authenticated (N requests cost N+1 round trips,
 * not 2N). Concurrent requests share the challenge, each with its own `nc`.
 */
import { createHash, randomBytes } from "node:crypto";

export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  /** As the server named it (echoed back); `MD5` when absent. */
  readonly algorithm: DigestAlgorithm;
  /** Whether the server offered `qop="auth"`; false means RFC 2069 compatibility mode. */
  readonly qopAuth: boolean;
  readonly stale: boolean;
}

const ALGORITHMS: Record<string, DigestAlgorithm> = {
  "MD5": "MD5",
  "MD5-SESS": "MD5-sess",
  "SHA-256": "SHA-256",
  "SHA-256-SESS": "SHA-256-sess",
};

/**
 * Finds the Digest challenge among `WWW-Authenticate` values (one header may
 * list several schemes; a response may carry several headers). Returns
 * `undefined` when there is none or it is unusable (no nonce, unknown
 * algorithm, a qop offer without `auth`).
 */
export function parseDigestChallenge(header: string | readonly string[] | undefined): DigestChallenge | undefined {
  if (header === undefined) return undefined;
  for (const value of typeof header === "string" ? [header] : header) {
    for (const challenge of parseChallenges(value)) {
      if (challenge.scheme.toLowerCase() !== "digest") continue;
      const p = challenge.params;
      if (!p.nonce) continue;
      const algorithm = ALGORITHMS[(p.algorithm ?? "MD5").toUpperCase()];
      if (!algorithm) continue;
      let qopAuth = false;
      if (p.qop !== undefined) {
        qopAuth = p.qop.split(",").some((q) => q.trim().toLowerCase() === "auth");
        if (!qopAuth) continue; // only auth-int offered: we do not implement it
      }
      return {
        realm: p.realm ?? "",
        nonce: p.nonce,
        ...(p.opaque !== undefined ? { opaque: p.opaque } : {}),
        algorithm,
        qopAuth,
        stale: (p.stale ?? "").toLowerCase() === "true",
      };
    }
  }
  return undefined;
}

interface RawChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** RFC 7235 challenge list: `scheme param=value, param="quoted", scheme2 ...`. */
function parseChallenges(input: string): RawChallenge[] {
  const out: RawChallenge[] = [];
  let i = 0;
  const n = input.length;
  const skip = (chars: string) => {
    while (i < n && chars.includes(input[i])) i++;
  };
  const token = () => {
    const start = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(input[i])) i++;
    return input.slice(start, i);
  };
  let current: RawChallenge | undefined;
  while (i < n) {
    skip(" \t,");
    if (i >= n) break;
    const name = token();
    if (name === "") {
      i++; // stray character: skip it
      continue;
    }
    skip(" \t");
    if (input[i] === "=") {
      i++;
      skip(" \t");
      let value: string;
      if (input[i] === '"') {
        i++;
        value = "";
        while (i < n && input[i] !== '"') {
          if (input[i] === "\\" && i + 1 < n) i++;
          value += input[i++];
        }
        i++; // closing quote
      } else {
        const vstart = i;
        while (i < n && input[i] !== "," && input[i] !== " " && input[i] !== "\t") i++;
        value = input.slice(vstart, i);
      }
      if (current) current.params[name.toLowerCase()] = value;
    } else {
      // A bare token starts a new challenge (its scheme).
      current = { scheme: name, params: {} };
      out.push(current);
    }
  }
  return out;
}

function hashHex(algorithm: DigestAlgorithm, data: string): string {
  return createHash(algorithm.startsWith("SHA-256") ? "sha256" : "md5")
    .update(data, "utf8")
    .digest("hex");
}

export interface DigestInput {
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The request-target exactly as sent (path and query). */
  readonly uri: string;
  readonly challenge: DigestChallenge;
  /** Nonce count, 1-based. */
  readonly nc: number;
  readonly cnonce: string;
}

/** `nc` as it goes on the wire: 8 hex digits. */
export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

/** The `response` value of RFC 7616 §3.4.1 (and RFC 2069 when no qop was offered). */
export function digestResponse(input: DigestInput): string {
  const { challenge: c } = input;
  let ha1 = hashHex(c.algorithm, `${input.username}:${c.realm}:${input.password}`);
  if (c.algorithm.endsWith("-sess")) ha1 = hashHex(c.algorithm, `${ha1}:${c.nonce}:${input.cnonce}`);
  const ha2 = hashHex(c.algorithm, `${input.method}:${input.uri}`);
  if (!c.qopAuth) return hashHex(c.algorithm, `${ha1}:${c.nonce}:${ha2}`);
  return hashHex(c.algorithm, `${ha1}:${c.nonce}:${formatNonceCount(input.nc)}:${input.cnonce}:auth:${ha2}`);
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, "\\$1")}"`;
}

/** The full `Authorization: Digest ...` header value. */
export function digestAuthorization(input: DigestInput): string {
  const c = input.challenge;
  const parts = [
    `username=${quote(input.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(input.uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${quote(digestResponse(input))}`,
  ];
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.qopAuth) parts.push(`qop=auth`, `nc=${formatNonceCount(input.nc)}`, `cnonce=${quote(input.cnonce)}`);
  return `Digest ${parts.join(", ")}`;
}

/**
 * One API key's digest state: the cached challenge and its nonce count.
 * `authorize` is synchronous, so concurrent callers each take a distinct `nc`.
 */
export class DigestSession {
  private challenge: DigestChallenge | undefined;
  private nc = 0;

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Whether a challenge is cached (requests can go out pre-authenticated). */
  get hasChallenge(): boolean {
    return this.challenge !== undefined;
  }

  /** The cached challenge's nonce, to tell whether a 401 answered the current one. */
  get nonce(): string | undefined {
    return this.challenge?.nonce;
  }

  /** Adopts a challenge from a 401; a new nonce restarts the count. */
  accept(challenge: DigestChallenge): void {
    if (this.challenge?.nonce !== challenge.nonce) this.nc = 0;
    this.challenge = challenge;
  }

  /** Forgets the challenge (the next request is sent unauthenticated to get a fresh one). */
  reset(): void {
    this.challenge = undefined;
    this.nc = 0;
  }

  /** An `Authorization` header for this request, or undefined when no challenge is cached. */
  authorize(method: string, uri: string): { header: string; nonce: string } | undefined {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    this.nc += 1;
    const header = digestAuthorization({
      username: this.username,
      password: this.password,
      method,
      uri,
      challenge,
      nc: this.nc,
      cnonce: randomBytes(12).toString("hex"),
    });
    return { header, nonce: challenge.nonce };
  }
}
