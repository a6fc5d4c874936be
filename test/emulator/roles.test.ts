/**
 * The emulator's MongoDB Cloud role tables, held to the role lists of the
 * seeds (copied here with their source, so the test does not depend on
 * ../shared). The provider's table (provider/platform.ts) is to be
 * held to the same lists.
 */
import { groupRolesFor, OPS_MANAGER_GLOBAL_ROLES, orgRolesFor } from "../../emulator/routes/roles";

/** Seed 001 (Cloud Manager "Create One User", request body `roles.roleName`): organization roles. */
const SEED_001_ORG = ["ORG_MEMBER", "ORG_READ_ONLY", "ORG_BILLING_ADMIN", "ORG_GROUP_CREATOR", "ORG_OWNER"];
/** Seed 001, project roles (GROUP_ATLAS_ADMIN "Project Admin (Atlas)" and GROUP_BILLING_ADMIN included). */
const SEED_001_GROUP = [
  "GROUP_ATLAS_ADMIN",
  "GROUP_AUTOMATION_ADMIN",
  "GROUP_BACKUP_ADMIN",
  "GROUP_MONITORING_ADMIN",
  "GROUP_OWNER",
  "GROUP_READ_ONLY",
  "GROUP_USER_ADMIN",
  "GROUP_BILLING_ADMIN",
  "GROUP_DATA_ACCESS_ADMIN",
  "GROUP_DATA_ACCESS_READ_ONLY",
  "GROUP_DATA_ACCESS_READ_WRITE",
];
/**
 * Seed 002 is the docs source of the same page for Cloud Manager and Ops
 * Manager; it renders no table of its own (it includes the one seed 001
 * shows). Ops Manager has seed 001's organization roles; of its project
 * roles not GROUP_BILLING_ADMIN (Cloud Manager only: mongodb/docs users.txt,
 * the endpoints contract's `cm_om_v1_user_roles`) and not GROUP_ATLAS_ADMIN
 * (listed by Cloud Manager's table only), as in the provider's platform
 * record. GLOBAL_* roles are Ops Manager only.
 */
const SEED_002_OPS_MANAGER_GROUP = SEED_001_GROUP.filter((r) => r !== "GROUP_BILLING_ADMIN" && r !== "GROUP_ATLAS_ADMIN");
const OPS_MANAGER_GLOBAL = ["GLOBAL_AUTOMATION_ADMIN", "GLOBAL_BACKUP_ADMIN", "GLOBAL_MONITORING_ADMIN", "GLOBAL_OWNER", "GLOBAL_READ_ONLY", "GLOBAL_USER_ADMIN"];

const sorted = (roles: readonly string[]) => [...roles].sort();

test("Cloud Manager accepts exactly seed 001's organization and project roles", () => {
  expect(sorted(orgRolesFor("cloud-manager"))).toEqual(sorted(SEED_001_ORG));
  expect(sorted(groupRolesFor("cloud-manager"))).toEqual(sorted(SEED_001_GROUP));
});

test("Ops Manager accepts seed 001's organization roles (ORG_BILLING_ADMIN included), its project roles less GROUP_BILLING_ADMIN and GROUP_ATLAS_ADMIN, and the global roles", () => {
  expect(sorted(orgRolesFor("ops-manager"))).toEqual(sorted(SEED_001_ORG));
  expect(sorted(groupRolesFor("ops-manager"))).toEqual(sorted(SEED_002_OPS_MANAGER_GROUP));
  expect(sorted(OPS_MANAGER_GLOBAL_ROLES)).toEqual(sorted(OPS_MANAGER_GLOBAL));
});
