/**
 * The platform record's role tables, held to the role lists of the seed pages
 * they come from (read from the seed text copied into test/fixtures), and to
 * the emulator's tables, which are written apart from the provider's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PLATFORM } from "../provider/platform";
import * as emulatorRoles from "../emulator/routes/roles";

const SEEDS = join(__dirname, "fixtures", "seeds");

/** The `VALUE Description` rows of the first role table in a seed page. */
function seedRoleTable(file: string): string[] {
  const text = readFileSync(join(SEEDS, file), "utf8");
  const start = text.indexOf("Accepted values are:");
  const rows = text.slice(start).split("\n").slice(1);
  const roles: string[] = [];
  for (const row of rows) {
    const m = /^((?:ORG|GROUP|GLOBAL)_[A-Z_]+)\s/.exec(row.trim());
    if (m) roles.push(m[1]);
    else if (roles.length > 0 && row.trim() !== "" && !/^Value\s+Description$/.test(row.trim())) break;
  }
  return roles;
}

test("Cloud Manager: the record accepts exactly the roles of seed 001's request table (GROUP_ATLAS_ADMIN included)", () => {
  const seed = seedRoleTable("001_cloud_manager_create_user.txt");
  expect(seed).toContain("GROUP_ATLAS_ADMIN");
  const record = PLATFORM["cloud-manager"].userRoles;
  expect([...record.org, ...record.project].sort()).toEqual([...seed].sort());
  expect(PLATFORM["cloud-manager"].invitationRoles.org).toEqual(record.org);
});

test("Ops Manager: seed 002 (the same page) gives its organization roles, ORG_BILLING_ADMIN included", () => {
  const seedOrg = seedRoleTable("001_cloud_manager_create_user.txt").filter((r) => r.startsWith("ORG_"));
  expect([...PLATFORM["ops-manager"].userRoles.org].sort()).toEqual([...seedOrg].sort());
});

test("the emulator's tables (written apart from the provider's) accept every role the provider's accept", () => {
  for (const platform of ["cloud-manager", "ops-manager"] as const) {
    const r = PLATFORM[platform].userRoles;
    const emulator = new Set([...emulatorRoles.orgRolesFor(platform), ...emulatorRoles.groupRolesFor(platform), ...emulatorRoles.OPS_MANAGER_GLOBAL_ROLES]);
    for (const role of [...r.org, ...r.project, ...r.global]) expect([platform, role, emulator.has(role)]).toEqual([platform, role, true]);
  }
  const atlas = new Set([...emulatorRoles.orgRolesFor("atlas"), ...emulatorRoles.groupRolesFor("atlas")]);
  for (const role of [...PLATFORM.atlas.userRoles.org, ...PLATFORM.atlas.userRoles.project]) expect(["atlas", role, atlas.has(role)]).toEqual(["atlas", role, true]);
});
