/**
 * Fault injection (`POST /__emulator/faults`): answer matching requests with a
 * status (optionally a raw misbehaving body), reset the connection before or
 * after the change is applied, or add latency.
 */

export interface FaultRule {
  /** HTTP method to match; any when absent. */
  readonly method?: string;
  /** Regular expression matched against the raw request path (no query string). */
  readonly path: string;
  readonly status?: number;
  /** Seconds, sent as `Retry-After` with `status`. */
  readonly retryAfter?: number;
  /** Reset the connection instead of answering. */
  readonly reset?: boolean;
  /**
   * Apply the change first, then drop the connection (with `reset`: the
   * lost-response case) or answer `status` (a proxy's 502/504 after the
   * server committed). Used up only by a request the route applied.
   */
  readonly afterCommit?: boolean;
  readonly delayMs?: number;
  /** How many matching requests the rule applies to; unlimited when absent. */
  readonly times?: number;
  /** Raw body sent with `status` instead of the Atlas error body. */
  readonly body?: string;
  readonly contentType?: string;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly pattern: RegExp;
  remaining: number;
}

/** Validate rules from the control API; returns the problem, or undefined. */
export function faultRuleProblem(rule: unknown, index: number): string | undefined {
  const where = `rules[${index}]`;
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) return `${where} must be an object`;
  const r = rule as Record<string, unknown>;
  const known = ["method", "path", "status", "retryAfter", "reset", "afterCommit", "delayMs", "times", "body", "contentType"];
  const unknown = Object.keys(r).find((k) => !known.includes(k));
  if (unknown) return `${where}.${unknown} is not a fault rule field (one of ${known.join(", ")})`;
  if (typeof r.path !== "string") return `${where}.path must be a regular expression string`;
  try {
    new RegExp(r.path);
  } catch {
    return `${where}.path is not a valid regular expression`;
  }
  if (r.method !== undefined && typeof r.method !== "string") return `${where}.method must be a string`;
  if (r.status !== undefined && !(Number.isInteger(r.status) && (r.status as number) >= 100 && (r.status as number) <= 599)) {
    return `${where}.status must be an HTTP status code`;
  }
  for (const k of ["retryAfter", "delayMs", "times"]) {
    if (r[k] !== undefined && !(typeof r[k] === "number" && (r[k] as number) >= 0)) return `${where}.${k} must be a number >= 0`;
  }
  for (const k of ["reset", "afterCommit"]) {
    if (r[k] !== undefined && typeof r[k] !== "boolean") return `${where}.${k} must be a boolean`;
  }
  for (const k of ["body", "contentType"]) {
    if (r[k] !== undefined && typeof r[k] !== "string") return `${where}.${k} must be a string`;
  }
  if (r.status === undefined && r.reset !== true && r.delayMs === undefined) {
    return `${where} needs one of status, reset or delayMs`;
  }
  if (r.status !== undefined && r.reset === true) return `${where} cannot have both status and reset`;
  if (r.afterCommit === true && r.reset !== true && r.status === undefined) return `${where}.afterCommit needs reset: true or a status`;
  if ((r.body !== undefined || r.contentType !== undefined) && r.status === undefined) {
    return `${where}.body and contentType need a status`;
  }
  return undefined;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  /** Replace the rule set. */
  set(rules: readonly FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule, pattern: new RegExp(rule.path), remaining: rule.times ?? Infinity }));
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule, times: r.remaining === Infinity ? undefined : r.remaining }));
  }

  /** The first rule matching this request that has uses left (not used up yet: see {@link use}). */
  match(method: string, rawPath: string): FaultRule | undefined {
    return this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (r.rule.method === undefined || r.rule.method.toUpperCase() === method.toUpperCase()) &&
        r.pattern.test(rawPath),
    )?.rule;
  }

  /**
   * Uses up one application of a matched rule. False when concurrent
   * requests used it up in the meantime: the request then goes unharmed.
   */
  use(rule: FaultRule): boolean {
    const active = this.rules.find((r) => r.rule === rule);
    if (!active || active.remaining <= 0) return false;
    active.remaining--;
    return true;
  }
}
