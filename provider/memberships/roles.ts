/**
 * Roles as an account holds them: one org role (`orgId`), one project role
 * (`projectId`), or an Ops Manager GLOBAL_* role (neither). Set operations on
 * them, and the declared shape of one org membership.
 */
import { canonicalKey, canonicalSet, sameSet } from "../common/sets";

export interface AccountRole {
  readonly orgId?: string;
  readonly projectId?: string;
  readonly roleName: string;
}

/** Elements of `a` not in `b`. */
export function roleDifference<R extends AccountRole>(a: readonly R[], b: readonly AccountRole[]): R[] {
  const inB = new Set(b.map(canonicalKey));
  return a.filter((r) => !inB.has(canonicalKey(r)));
}

/** Elements of `a` also in `b`. */
export function roleIntersection<R extends AccountRole>(a: readonly R[], b: readonly AccountRole[]): R[] {
  const inB = new Set(b.map(canonicalKey));
  return a.filter((r) => inB.has(canonicalKey(r)));
}

/** Roles grouped by the org or project they apply to (global roles belong to neither). */
export function groupRoles(roles: readonly AccountRole[]): { orgs: Map<string, string[]>; projects: Map<string, string[]> } {
  const orgs = new Map<string, string[]>();
  const projects = new Map<string, string[]>();
  for (const role of roles) {
    const [map, id] = role.orgId !== undefined ? [orgs, role.orgId] : role.projectId !== undefined ? [projects, role.projectId] : [];
    if (!map || id === undefined) continue;
    map.set(id, [...(map.get(id) ?? []), role.roleName]);
  }
  return { orgs, projects };
}

export function describeRole(role: AccountRole): string {
  const scope = role.orgId !== undefined ? `org ${role.orgId}` : role.projectId !== undefined ? `project ${role.projectId}` : "global";
  return `${role.roleName} (${scope})`;
}

/** One organization membership as a program declares it. */
export interface DeclaredOrgMembership {
  readonly orgId: string;
  readonly username: string;
  readonly roles: readonly string[];
  /** Omitted: not managed (left as the organization has them); `[]` means none. */
  readonly projectRoles?: readonly { readonly projectId: string; readonly roles: readonly string[] }[];
  /** Omitted: not managed; `[]` means none. */
  readonly teamIds?: readonly string[];
}

/** What a membership holds, in the same shape. */
export interface HeldOrgMembership {
  readonly roles: readonly string[];
  readonly projectRoles: readonly { readonly projectId: string; readonly roles: readonly string[] }[];
  readonly teamIds: readonly string[];
}

/** Whether a membership holds the declared roles and teams (`projectRoles` and `teamIds` only when declared). */
export function holdsDeclared(held: HeldOrgMembership, declared: Omit<DeclaredOrgMembership, "orgId" | "username">): boolean {
  return (
    sameSet(held.roles, declared.roles) &&
    (declared.projectRoles === undefined || sameProjectRoles(held.projectRoles, declared.projectRoles)) &&
    (declared.teamIds === undefined || sameSet(held.teamIds, declared.teamIds))
  );
}

export function sameProjectRoles(a: HeldOrgMembership["projectRoles"] | undefined, b: HeldOrgMembership["projectRoles"] | undefined): boolean {
  const canonical = (list: HeldOrgMembership["projectRoles"] | undefined) =>
    (list ?? []).map((p) => ({ projectId: p.projectId, roles: canonicalSet(p.roles) }));
  return sameSet(canonical(a), canonical(b));
}
