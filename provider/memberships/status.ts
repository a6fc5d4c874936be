/**
 * Where a person stands in an organization or project, decided once for every
 * API: pending, active, expired, rejected — or revoked, when a membership that
 * was given is simply gone. And when a dead invitation is sent again.
 */
import { parseInstant } from "../common/dates";

export const MEMBERSHIP_STATUSES = ["PENDING", "ACTIVE", "INVITATION_EXPIRED", "INVITATION_REJECTED"] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** What becomes of a declared role that is not held (yet). */
export type RoleStanding = "pending" | "expired" | "rejected" | "revoked";

export const REINVITE_POLICIES = ["on-expiry", "on-expiry-or-rejection", "never"] as const;
/** When a dead invitation is sent again; `on-expiry` by default. */
export type ReinvitePolicy = (typeof REINVITE_POLICIES)[number];
export const DEFAULT_REINVITE: ReinvitePolicy = "on-expiry";

export function expiryHasPassed(expiresAt: string | null | undefined, now: Date): boolean {
  if (expiresAt === undefined || expiresAt === null) return false;
  const at = parseInstant(expiresAt);
  return at !== undefined && at.getTime() <= now.getTime();
}

/**
 * The status as of `now`: an invitation the API still calls PENDING (or that
 * has no status, as on Cloud/Ops Manager) is expired once its expiry has
 * passed. Without `now` (an invitation just sent, whatever the skew between
 * our clock and the server's) the API's status stands.
 */
export function statusAt(status: MembershipStatus, expiresAt: string | null | undefined, now: Date | undefined): MembershipStatus {
  return status === "PENDING" && now !== undefined && expiryHasPassed(expiresAt, now) ? "INVITATION_EXPIRED" : status;
}

export function isLive(status: MembershipStatus): boolean {
  return status === "PENDING" || status === "ACTIVE";
}

/** Whether this status, under this policy, calls for a new invitation. */
export function wantsReinvite(status: MembershipStatus | undefined, policy: ReinvitePolicy | undefined): boolean {
  const p = policy ?? DEFAULT_REINVITE;
  if (status === "INVITATION_EXPIRED") return p !== "never";
  if (status === "INVITATION_REJECTED") return p === "on-expiry-or-rejection";
  return false;
}

/** The standing of a declared role whose membership has this status (undefined: no membership at all). */
export function standingOf(status: MembershipStatus | undefined): RoleStanding {
  switch (status) {
    case "PENDING":
      return "pending";
    case "INVITATION_EXPIRED":
      return "expired";
    case "INVITATION_REJECTED":
      return "rejected";
    default:
      return "revoked";
  }
}

/** The earlier of two optional instants (either may be absent or unparseable: the other wins). */
export function earlierInstant(a: string | undefined, b: string | undefined): string | undefined {
  const ta = a === undefined ? NaN : (parseInstant(a)?.getTime() ?? NaN);
  const tb = b === undefined ? NaN : (parseInstant(b)?.getTime() ?? NaN);
  if (Number.isNaN(ta)) return Number.isNaN(tb) ? (a ?? b) : b;
  if (Number.isNaN(tb)) return a;
  return ta <= tb ? a : b;
}
