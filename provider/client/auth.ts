/**
 * The authentication layer: wraps one exchange with the credentials' scheme.
 * API keys answer Digest challenges ({@link DigestAuthenticator}); service
 * accounts send an OAuth bearer token ({@link BearerAuthenticator}).
 */
import { DigestSession, parseDigestChallenge } from "./digest";
import type { Exchange, RawResponse } from "./transport";

export interface AuthOutcome {
  readonly response: RawResponse;
  /** The credentials themselves were refused (after the one allowed fresh try). */
  readonly rejected: boolean;
}

export type Send = (ex: Exchange) => Promise<RawResponse>;

export interface Authenticator {
  exchange(ex: Exchange, send: Send): Promise<AuthOutcome>;
}

function withAuthorization(ex: Exchange, value: string | undefined): Exchange {
  if (value === undefined) return ex;
  return { ...ex, headers: { ...ex.headers, authorization: value } };
}

/**
 * HTTP Digest with a cached challenge. With `preemptive` (the default) a
 * request goes out already answered to the cached challenge; only the first
 * request, a stale nonce, or a refused pre-authenticated answer costs an extra
 * round trip. Without it every request is challenged afresh (2 round trips).
 */
export class DigestAuthenticator implements Authenticator {
  /** The shared session (pre-emptive mode). */
  private readonly session: DigestSession;
  /** The unauthenticated request currently fetching a challenge; others wait for it. */
  private probe: Promise<void> | undefined;

  constructor(
    private readonly publicKey: string,
    private readonly privateKey: string,
    private readonly preemptive: boolean,
  ) {
    this.session = new DigestSession(publicKey, privateKey);
  }

  async exchange(ex: Exchange, send: Send): Promise<AuthOutcome> {
    // The naive mode answers every request's own challenge from scratch.
    const session = this.preemptive ? this.session : new DigestSession(this.publicKey, this.privateKey);
    // Share one challenge round trip between concurrent first requests.
    while (this.preemptive && !session.hasChallenge && this.probe) await this.probe;

    let fresh = false;
    if (!session.hasChallenge) {
      const first = await this.probeForChallenge(session, ex, send);
      if (first) return { response: first, rejected: false };
      fresh = true;
    }

    const auth = session.authorize(ex.method, ex.target);
    const response = await send(withAuthorization(ex, auth?.header));
    if (response.status !== 401) return { response, rejected: false };
    const challenge = parseDigestChallenge(response.headers["www-authenticate"]);
    // A 401 without a challenge is Atlas refusing access, not the digest.
    if (!challenge) return { response, rejected: false };
    if (fresh && !challenge.stale) {
      session.reset();
      return { response, rejected: true };
    }
    // Stale nonce, or the cached challenge no longer holds: one fresh try.
    session.accept(challenge);
    const retryAuth = session.authorize(ex.method, ex.target);
    const retried = await send(withAuthorization(ex, retryAuth?.header));
    if (retried.status === 401 && parseDigestChallenge(retried.headers["www-authenticate"])) {
      session.reset();
      return { response: retried, rejected: true };
    }
    return { response: retried, rejected: false };
  }

  /**
   * Sends the request unauthenticated to obtain a challenge. Returns the
   * response when it is final (not a digest 401), or undefined once the
   * challenge is cached in `session`.
   */
  private async probeForChallenge(session: DigestSession, ex: Exchange, send: Send): Promise<RawResponse | undefined> {
    let done!: () => void;
    const probe = new Promise<void>((resolve) => (done = resolve));
    if (session === this.session) this.probe = probe;
    try {
      const response = await send(ex);
      if (response.status !== 401) return response;
      const challenge = parseDigestChallenge(response.headers["www-authenticate"]);
      if (!challenge) return response;
      session.accept(challenge);
      return undefined;
    } finally {
      if (this.probe === probe) this.probe = undefined;
      done();
    }
  }
}

/** A source of OAuth access tokens; see {@link OAuthTokenCache}. */
export interface TokenSource {
  get(): Promise<string>;
  /** The server refused this token: drop it if it is still the cached one. */
  invalidate(token: string): void;
}

/** Bearer tokens; a 401 drops the token and retries once with a new one. */
export class BearerAuthenticator implements Authenticator {
  constructor(private readonly tokens: TokenSource) {}

  async exchange(ex: Exchange, send: Send): Promise<AuthOutcome> {
    const token = await this.tokens.get();
    const response = await send(withAuthorization(ex, `Bearer ${token}`));
    if (response.status !== 401) return { response, rejected: false };
    this.tokens.invalidate(token);
    const fresh = await this.tokens.get();
    const retried = await send(withAuthorization(ex, `Bearer ${fresh}`));
    return { response: retried, rejected: retried.status === 401 };
  }
}

export interface IssuedToken {
  readonly accessToken: string;
  /** Lifetime in seconds, from `expires_in`. */
  readonly expiresInSec: number;
}

/**
 * Caches one access token until shortly before it expires (a minute, or half
 * its lifetime when that is shorter); concurrent callers share one in-flight
 * token request.
 */
export class OAuthTokenCache implements TokenSource {
  private token: { value: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly onToken: (token: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    if (!this.inFlight) {
      this.inFlight = this.issue()
        .then((issued) => {
          const lifetimeMs = issued.expiresInSec * 1000;
          const marginMs = Math.min(60_000, lifetimeMs / 2);
          this.token = { value: issued.accessToken, refreshAt: this.now() + lifetimeMs - marginMs };
          this.onToken(issued.accessToken);
          return issued.accessToken;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  invalidate(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }
}
