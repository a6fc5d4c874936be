/**
 * The policy pack's rule functions on their own: what each rule flags, what
 * it lets pass (unknown values included), and how settings change it. The
 * engine tests (`engine.test.ts`) run the same rules through `pulumi preview`.
 */
import fs from "node:fs";
import path from "node:path";
import {
  DEFAULTS,
  checkEmailDomains,
  checkInvitedOwners,
  checkOwnerRoles,
  checkPlainConfigPassword,
  checkPrivilegedRoles,
  checkScramScopes,
  checkTemporaryLifetime,
  lifetimeOf,
  settingsOf,
  type StackResource,
} from "../../policy/rules";
import { isUnknown, kindOf, rawProps, roleGrantsOf } from "../../policy/resources";
import { policies } from "../../policy/policies";
import { repoRoot } from "../support/workdir";

const NOW = new Date("2026-01-01T00:00:00Z");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const admin = [{ roleName: "atlasAdmin", databaseName: "admin" }];
const privileged = DEFAULTS["privileged-database-roles"];

describe("which resource a policy sees", () => {
  test("by the type token the SDK gives our resources", () => {
    expect(kindOf("pulumi-nodejs:dynamic/atlas-users:DatabaseUser", {})).toBe("DatabaseUser");
    expect(kindOf("pulumi-nodejs:dynamic/atlas-users:OrgInvitation", {})).toBe("OrgInvitation");
    expect(kindOf("pulumi-nodejs:dynamic/atlas-users:Nope", {})).toBeUndefined();
  });

  test("by the shape of its inputs when the type is the generic dynamic one (policy packs never see __provider)", () => {
    const generic = "pulumi-nodejs:dynamic:Resource";
    expect(kindOf(generic, { projectId: "p", username: "u", roles: [], databaseName: "admin" })).toBe("DatabaseUser");
    expect(kindOf(generic, { orgId: "o", username: "a@x.io", roles: ["ORG_MEMBER"] })).toBe("OrgInvitation");
    expect(kindOf(generic, { username: "a@x.io", password: "p", firstName: "A" })).toBe("CloudUser");
    expect(kindOf(generic, { name: "bucket" })).toBeUndefined();
    expect(kindOf("aws:s3/bucket:Bucket", { orgId: "o", username: "a@x.io", roles: [] })).toBeUndefined();
  });

  test("reads the object behind @pulumi/policy's unknown-checking proxy", () => {
    const target = { a: UNKNOWN };
    const proxy = new Proxy(target, {
      get: (o, p) => {
        if (p === "__getSpecialProxyTarget") return o;
        if ((o as Record<PropertyKey, unknown>)[p] === UNKNOWN) throw new Error("unknown");
        return (o as Record<PropertyKey, unknown>)[p];
      },
    });
    expect(rawProps(proxy).a).toBe(UNKNOWN);
    expect(isUnknown(rawProps(proxy).a)).toBe(true);
  });

  test("the roles a person is given, by resource", () => {
    expect(
      roleGrantsOf("OrgInvitation", {
        orgId: "o1",
        roles: ["ORG_MEMBER"],
        projectRoles: [{ projectId: "p1", roles: ["GROUP_OWNER", UNKNOWN] }],
      }),
    ).toEqual([
      { role: "ORG_MEMBER", where: "organization o1" },
      { role: "GROUP_OWNER", where: "project p1" },
    ]);
    expect(roleGrantsOf("CloudUser", { roles: [{ orgId: "o1", roleName: "ORG_OWNER" }] })).toEqual([
      { role: "ORG_OWNER", where: "organization o1" },
    ]);
    expect(roleGrantsOf("CloudUser", { roles: UNKNOWN })).toEqual([]);
  });
});

describe("privileged-database-roles", () => {
  const s = privileged;
  test("a permanent user with atlasAdmin fails, naming the role and the fix", () => {
    const [m] = checkPrivilegedRoles({ username: "ops", roles: admin }, s, NOW);
    expect(m).toMatch(/"ops" has the privileged role atlasAdmin@admin and is permanent/);
    expect(m).toMatch(/Fix: make it temporary with expiresIn \(at most "24h"/);
  });

  test("a temporary one within the lifetime passes; longer fails, by expiresIn and by deleteAfterDate", () => {
    expect(checkPrivilegedRoles({ roles: admin, expiresIn: "24h" }, s, NOW)).toEqual([]);
    expect(checkPrivilegedRoles({ roles: admin, expiresIn: "25h" }, s, NOW)[0]).toMatch(/longer than 24h: expiresIn "25h"/);
    expect(checkPrivilegedRoles({ roles: admin, deleteAfterDate: "2026-01-01T12:00:00Z" }, s, NOW)).toEqual([]);
    expect(checkPrivilegedRoles({ roles: admin, deleteAfterDate: "2026-01-03T00:00:00Z" }, s, NOW)[0]).toMatch(
      /deleteAfterDate 2026-01-03T00:00:00Z \(2d from now\)/,
    );
  });

  test("dbOwner counts only on admin; other roles do not count", () => {
    expect(checkPrivilegedRoles({ roles: [{ roleName: "dbOwner", databaseName: "app" }] }, s, NOW)).toEqual([]);
    expect(checkPrivilegedRoles({ roles: [{ roleName: "dbOwner", databaseName: "admin" }] }, s, NOW)).toHaveLength(1);
    expect(checkPrivilegedRoles({ roles: [{ roleName: "readWrite", databaseName: "app" }] }, s, NOW)).toEqual([]);
  });

  test("settings change the list and the lifetime", () => {
    const custom = settingsOf("privileged-database-roles", { privilegedRoles: ["readWrite@app"], maxLifetime: "1h" });
    expect(checkPrivilegedRoles({ roles: admin }, custom, NOW)).toEqual([]);
    expect(checkPrivilegedRoles({ roles: [{ roleName: "readWrite", databaseName: "app" }], expiresIn: "2h" }, custom, NOW)).toHaveLength(1);
  });

  test("unknown values pass", () => {
    expect(checkPrivilegedRoles({ roles: UNKNOWN }, s, NOW)).toEqual([]);
    expect(checkPrivilegedRoles({ roles: [{ roleName: UNKNOWN, databaseName: "admin" }] }, s, NOW)).toEqual([]);
    expect(checkPrivilegedRoles({ roles: admin, expiresIn: UNKNOWN }, s, NOW)).toEqual([]);
    expect(checkPrivilegedRoles({ roles: admin, deleteAfterDate: UNKNOWN }, s, NOW)).toEqual([]);
  });
});

describe("temporary-user-lifetime", () => {
  const s = DEFAULTS["temporary-user-lifetime"];
  test("at most 7 days by default; permanent users are not its business", () => {
    expect(checkTemporaryLifetime({ expiresIn: "7d" }, s, NOW)).toEqual([]);
    expect(checkTemporaryLifetime({ expiresIn: "8d" }, s, NOW)[0]).toMatch(/lives longer than 7d: expiresIn "8d"\. Fix: set expiresIn to at most 7d/);
    expect(checkTemporaryLifetime({}, s, NOW)).toEqual([]);
    expect(checkTemporaryLifetime({ expiresIn: "48h" }, settingsOf("temporary-user-lifetime", { maxLifetime: "1d" }), NOW)).toHaveLength(1);
  });

  test("a malformed or unknown lifetime is left to check", () => {
    expect(lifetimeOf({ expiresIn: "soon" }, NOW)).toEqual({ kind: "unknown" });
    expect(lifetimeOf({ deleteAfterDate: UNKNOWN }, NOW)).toEqual({ kind: "unknown" });
  });
});

describe("scram-cluster-scopes", () => {
  const s = settingsOf("scram-cluster-scopes", { clusters: ["prod-a"] });
  test("off by default", () => {
    expect(checkScramScopes({ roles: admin }, DEFAULTS["scram-cluster-scopes"])).toEqual([]);
  });
  test("with clusters set: SCRAM users need scopes, on listed clusters", () => {
    expect(checkScramScopes({ username: "app" }, s)[0]).toMatch(/"app" has no scopes/);
    expect(checkScramScopes({ scopes: [{ name: "prod-a", type: "CLUSTER" }] }, s)).toEqual([]);
    expect(checkScramScopes({ scopes: [{ name: "other", type: "CLUSTER" }] }, s)[0]).toMatch(/"other", which is not one of the allowed clusters \(prod-a\)/);
  });
  test("other auth types and unknown values pass", () => {
    expect(checkScramScopes({ x509Type: "MANAGED" }, s)).toEqual([]);
    expect(checkScramScopes({ scopes: UNKNOWN }, s)).toEqual([]);
    expect(checkScramScopes({ x509Type: UNKNOWN }, s)).toEqual([]);
  });
});

describe("no-plain-config-passwords", () => {
  const config = {
    values: { "app:dbPassword": "plain-pass-123", "app:secretPassword": "secret-pass-123" },
    secretKeys: new Set(["app:secretPassword"]),
  };
  test("a password equal to a plain config value fails, naming the key and never the value", () => {
    const [m] = checkPlainConfigPassword({ password: "plain-pass-123" }, config);
    expect(m).toMatch(/plain \(non-secret\) stack config key app:dbPassword/);
    expect(m).toMatch(/pulumi config set --secret dbPassword/);
    expect(m).not.toContain("plain-pass-123");
  });
  test("from secret config, a literal, or unknown: passes", () => {
    expect(checkPlainConfigPassword({ password: "secret-pass-123" }, config)).toEqual([]);
    expect(checkPlainConfigPassword({ password: "other-pass-123" }, config)).toEqual([]);
    expect(checkPlainConfigPassword({ password: UNKNOWN }, config)).toEqual([]);
  });
});

describe("allowed-email-domains", () => {
  test("no domains: no restriction", () => {
    expect(checkEmailDomains("OrgInvitation", { username: "a@gmail.com" }, DEFAULTS["allowed-email-domains"])).toEqual([]);
  });
  test("exact domains, and *.domain for subdomains; CloudUser's emailAddress too", () => {
    const s = settingsOf("allowed-email-domains", { allowedDomains: ["example.com", "*.corp.example"] });
    expect(checkEmailDomains("OrgInvitation", { username: "A@Example.com" }, s)).toEqual([]);
    expect(checkEmailDomains("OrgInvitation", { username: "a@eu.corp.example" }, s)).toEqual([]);
    expect(checkEmailDomains("OrgInvitation", { username: "a@sub.example.com" }, s)).toHaveLength(1);
    const [m] = checkEmailDomains("CloudUser", { username: "a@example.com", emailAddress: "a@gmail.com" }, s);
    expect(m).toMatch(/The CloudUser emailAddress "a@gmail.com" is not in an allowed domain \(example.com, \*.corp.example\)\. Fix:/);
    expect(checkEmailDomains("TeamMembership", { username: "a@gmail.com" }, s)).toHaveLength(1);
    expect(checkEmailDomains("DatabaseUser", { username: "a@gmail.com" }, s)).toEqual([]);
    expect(checkEmailDomains("OrgInvitation", { username: UNKNOWN }, s)).toEqual([]);
  });
});

describe("owner roles", () => {
  const inv = (name: string, username: string, roles: string[], projectRoles?: unknown): StackResource => ({
    kind: "OrgInvitation",
    name,
    urn: `urn:${name}`,
    props: { orgId: "o1", username, roles, ...(projectRoles ? { projectRoles } : {}) },
  });
  const user = (name: string, username: string, roleName: string): StackResource => ({
    kind: "CloudUser",
    name,
    urn: `urn:${name}`,
    props: { username, roles: [{ projectId: "p1", roleName }] },
  });

  test("owner-roles: at most 2 owners without a list; any number of listed ones", () => {
    const three = [inv("a", "a@x.io", ["ORG_OWNER"]), inv("b", "b@x.io", ["ORG_OWNER"]), user("c", "c@x.io", "GROUP_OWNER")];
    const def = DEFAULTS["owner-roles"];
    expect(checkOwnerRoles(three.slice(0, 2), def)).toEqual([]);
    const v = checkOwnerRoles(three, def);
    expect(v.map((x) => x.urn)).toEqual(["urn:a", "urn:b", "urn:c"]);
    expect(v[2].message).toMatch(/3 people hold owner roles through this stack \(a@x.io, b@x.io, c@x.io\); at most 2 may/);
    const listed = settingsOf("owner-roles", { owners: ["A@x.io", "b@x.io", "c@x.io"] });
    expect(checkOwnerRoles(three, listed)).toEqual([]);
    const [only] = checkOwnerRoles(three, settingsOf("owner-roles", { owners: ["a@x.io", "b@x.io"] }));
    expect(only.urn).toBe("urn:c");
    expect(only.message).toMatch(/gives c@x.io GROUP_OWNER \(project p1\), but c@x.io is not in owner-roles.owners/);
  });

  test("invited-owners-listed: an invited person given an owner role by any resource must be listed", () => {
    const s = DEFAULTS["invited-owners-listed"];
    expect(checkInvitedOwners([inv("a", "a@x.io", ["ORG_MEMBER"])], s)).toEqual([]);
    const viaInvitation = checkInvitedOwners([inv("a", "a@x.io", ["ORG_MEMBER"], [{ projectId: "p1", roles: ["GROUP_OWNER"] }])], s);
    expect(viaInvitation[0].message).toMatch(/a@x.io is invited to the organization by this stack and OrgInvitation "a" gives them GROUP_OWNER \(project p1\)/);
    // Invited as a member, made owner elsewhere in the stack.
    const elsewhere = checkInvitedOwners([inv("a", "a@x.io", ["ORG_MEMBER"]), user("acct", "A@x.io", "GROUP_OWNER")], s);
    expect(elsewhere.map((x) => x.urn)).toEqual(["urn:acct"]);
    // Owners who are not invited by this stack are owner-roles' business.
    expect(checkInvitedOwners([user("acct", "a@x.io", "GROUP_OWNER")], s)).toEqual([]);
    expect(checkInvitedOwners([inv("a", "a@x.io", ["ORG_OWNER"])], settingsOf("invited-owners-listed", { owners: ["a@x.io"] }))).toEqual([]);
  });

  test("unknown people and roles pass", () => {
    expect(checkInvitedOwners([inv("a", UNKNOWN, ["ORG_OWNER"])], DEFAULTS["invited-owners-listed"])).toEqual([]);
    expect(checkInvitedOwners([inv("a", "a@x.io", [UNKNOWN])], DEFAULTS["invited-owners-listed"])).toEqual([]);
  });
});

describe("the pack", () => {
  test("every rule has a default level, a description, and a config schema whose settings and defaults are DEFAULTS", () => {
    const names = policies.map((p) => p.name);
    expect(names).toEqual([
      "privileged-database-roles",
      "temporary-user-lifetime",
      "allowed-email-domains",
      "email-domains-unset",
      "owner-roles",
      "invited-owners-listed",
      "scram-cluster-scopes",
      "no-plain-config-passwords",
    ]);
    for (const p of policies) {
      expect(["advisory", "mandatory"]).toContain(p.enforcementLevel);
      const defaults = (DEFAULTS as Record<string, object>)[p.name];
      if (!defaults) continue;
      const properties = p.configSchema?.properties ?? {};
      expect(Object.keys(properties).sort()).toEqual(Object.keys(defaults).sort());
      for (const [key, value] of Object.entries(defaults)) expect(properties[key].default).toEqual(value);
    }
  });

  test("its package.json carries the package's version and points at the built program", () => {
    const pack = JSON.parse(fs.readFileSync(path.join(repoRoot, "policy", "package.json"), "utf8"));
    const root = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
    expect(pack.version).toBe(root.version);
    expect(pack.main).toBe("../dist/policy/index.js");
    expect(root.files).toEqual(expect.arrayContaining(["dist/policy", "policy/PulumiPolicy.yaml", "policy/package.json"]));
    expect(root.dependencies?.["@pulumi/policy"]).toBeUndefined();
    expect(root.peerDependenciesMeta?.["@pulumi/policy"]?.optional).toBe(true);
  });
});
