/**
 * Atlas-style rate limiting (`POST /__emulator/rate-limit`): one token bucket
 * per endpoint set and scope (the project or org in the path, else the caller).
 * Each request costs one token; buckets refill continuously by the emulator clock.
 */

export interface RateLimitConfig {
  readonly capacity: number;
  readonly refillPerMinute: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until a token is available (only when not allowed). */
  readonly retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private config: RateLimitConfig | undefined;
  private readonly buckets = new Map<string, Bucket>();

  configure(config: RateLimitConfig | undefined): void {
    this.config = config;
    this.buckets.clear();
  }

  get current(): RateLimitConfig | undefined {
    return this.config;
  }

  /** Spend one token from `key`'s bucket; undefined when rate limiting is off. */
  take(key: string, nowMs: number): RateLimitDecision | undefined {
    const config = this.config;
    if (!config) return undefined;
    const perMs = config.refillPerMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: config.capacity, updatedAt: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.updatedAt);
    bucket.tokens = Math.min(config.capacity, bucket.tokens + elapsed * perMs);
    bucket.updatedAt = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, limit: config.capacity, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const waitMs = perMs > 0 ? (1 - bucket.tokens) / perMs : Infinity;
    return {
      allowed: false,
      limit: config.capacity,
      remaining: 0,
      retryAfterSeconds: Number.isFinite(waitMs) ? Math.max(1, Math.ceil(waitMs / 1000)) : 3600,
    };
  }
}

/**
 * The endpoint set and scope of a request: the literal segments of its route
 * template (`atlas-v2 groups/databaseUsers`) and the project or org it names,
 * else the authenticated principal.
 */
export function rateLimitKey(
  platform: string,
  template: string,
  params: Readonly<Record<string, string>>,
  principal: string,
): string {
  const literal = template
    .replace(/^\/api\/(atlas\/v2|atlas\/v1\.0|public\/v1\.0)\//, "")
    .split("/")
    .map((s) => s.replace(/\{[^}]*\}/g, "").replace(/^:.*/, ""))
    .filter((s) => s.length > 0)
    .join("/");
  const scope = params.groupId ? `group:${params.groupId}` : params.orgId ? `org:${params.orgId}` : `user:${principal}`;
  return `${platform} ${literal} ${scope}`;
}
