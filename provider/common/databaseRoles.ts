/**
 * MongoDB's built-in database roles as Atlas grants them (the spec's
 * `DatabaseUserRole.roleName` enum): what DatabaseUser grants and what a
 * CustomDbRole may inherit. Any other role name is a custom role.
 */

/** Built-in roles that exist only on the `admin` database (Atlas: `ATLAS_INVALID_ROLE_DATABASE`). */
export const ADMIN_ONLY_ROLES: ReadonlySet<string> = new Set([
  "atlasAdmin", "backup", "clusterMonitor", "dbAdminAnyDatabase", "enableSharding", "readAnyDatabase", "readWriteAnyDatabase",
]);

/** Built-in roles granted on any database. */
export const ANY_DATABASE_ROLES: readonly string[] = ["dbAdmin", "read", "readWrite"];

export function isBuiltInRole(roleName: string): boolean {
  return ADMIN_ONLY_ROLES.has(roleName) || ANY_DATABASE_ROLES.includes(roleName);
}
