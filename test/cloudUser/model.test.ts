import {
  changedProfileFields,
  forbiddenChanges,
  forbiddenRoleChanges,
  opsManagerRoleList,
  roleChanges,
  toCreateBody,
  toOpsManagerUpdateBody,
  toOutputs,
  toRefreshedInputs,
  type CloudUserOutputs,
} from "../../provider/cloudUser/model";
import { PLATFORM, sameAccountStore, type Platform as CloudUserPlatform } from "../../provider/platform";
const usersApiFor = (p: CloudUserPlatform) => PLATFORM[p].usersApi;
import type { CloudUserInputs } from "../../provider/cloudUser/schema";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const PROJECT = "6a7b8c9d0e1f5f1b2c3d4e5f";
const orgMember = { orgId: ORG, roleName: "ORG_MEMBER" };
const projectRead = { projectId: PROJECT, roleName: "GROUP_READ_ONLY" };

const inputs: CloudUserInputs = {
  username: "jane@example.com",
  password: "Str0ng passphrase!",
  firstName: "Jane",
  lastName: "Doe",
  country: "US",
  roles: [orgMember, projectRead],
};

describe("state → create body", () => {
  test.each<[CloudUserPlatform, boolean]>([
    ["atlas", false],
    ["atlas-v1", false],
    ["cloud-manager", true],
    ["ops-manager", true],
  ])("%s: roles spelt with groupId; emailAddress sent: %s", (platform, sendsEmail) => {
    const body = toCreateBody(inputs, platform);
    expect(body.roles).toEqual([
      { orgId: ORG, roleName: "ORG_MEMBER" },
      { groupId: PROJECT, roleName: "GROUP_READ_ONLY" },
    ]);
    expect("emailAddress" in body).toBe(sendsEmail);
    if (sendsEmail) expect(body.emailAddress).toBe("jane@example.com");
    expect(body).not.toHaveProperty("mobileNumber");
  });

  test("atlas-v1 sends only the fields seed 000 documents (username, password, names, country, mobileNumber, roles)", () => {
    const body = toCreateBody({ ...inputs, emailAddress: "other@example.com", mobileNumber: "212-555-0100" }, "atlas-v1");
    expect(Object.keys(body).sort()).toEqual(["country", "firstName", "lastName", "mobileNumber", "password", "roles", "username"]);
  });

  test("Ops Manager update body: declared profile fields and the given complete role list, never the password or country", () => {
    const body = toOpsManagerUpdateBody({ ...inputs, mobileNumber: "555" }, [{ roleName: "GLOBAL_READ_ONLY" }, projectRead]);
    expect(body).toEqual({
      firstName: "Jane",
      lastName: "Doe",
      mobileNumber: "555",
      roles: [{ roleName: "GLOBAL_READ_ONLY" }, { groupId: PROJECT, roleName: "GROUP_READ_ONLY" }],
    });
    // No role list: the account's roles are left as they are.
    expect(toOpsManagerUpdateBody(inputs)).not.toHaveProperty("roles");
  });

  const orgOwner = { orgId: ORG, roleName: "ORG_OWNER" };
  const globalRead = { roleName: "GLOBAL_READ_ONLY" };
  test.each<[string, object[], object[], object[], object[]]>([
    ["adopt: add the declared, keep the held", [orgOwner], [], [orgMember], [orgOwner, orgMember]],
    ["a declared role no longer declared goes; a never-declared one stays", [orgOwner, orgMember, projectRead], [orgMember, projectRead], [orgMember], [orgOwner, orgMember]],
    ["a role given elsewhere survives a new declaration", [orgMember, globalRead], [orgMember], [orgMember, projectRead], [orgMember, globalRead, projectRead]],
    ["nothing changes: the held list", [orgOwner, orgMember], [orgMember], [orgMember], [orgOwner, orgMember]],
  ])("Ops Manager role list: %s", (_name, held, previouslyDeclared, declared, expected) => {
    expect(opsManagerRoleList(held as never, previouslyDeclared as never, declared as never)).toEqual(expected);
  });
});

describe("API → state", () => {
  test("a fresh account (roles: []) has every declared role pending", () => {
    const outs = toOutputs({ id: "a".repeat(24), username: "jane@example.com", roles: [] }, inputs, "atlas");
    expect(outs).toMatchObject({
      userId: "a".repeat(24),
      roles: [orgMember, projectRead],
      activeRoles: [],
      pendingRoles: [orgMember, projectRead],
      teamIds: [],
      platform: "atlas",
      password: inputs.password,
    });
  });

  test("an empty response maps without throwing: no roles, no teams", () => {
    const outs = toOutputs({ id: "b".repeat(24), username: "x@example.com" }, {}, "ops-manager");
    expect(outs).toMatchObject({ roles: [], activeRoles: [], pendingRoles: [], teamIds: [] });
    expect(outs).not.toHaveProperty("password");
  });

  test("accepted roles are active, the rest pending; roles the API holds beyond the declaration are active only", () => {
    const outs = toOutputs(
      {
        id: "c".repeat(24),
        username: "jane@example.com",
        roles: [{ groupId: PROJECT, roleName: "GROUP_READ_ONLY" }, { orgId: ORG, roleName: "ORG_OWNER" }],
        teamIds: ["z", "a"],
      },
      inputs,
      "cloud-manager",
    );
    expect(outs.activeRoles).toEqual([{ orgId: ORG, roleName: "ORG_OWNER" }, projectRead]);
    expect(outs.pendingRoles).toEqual([orgMember]);
    expect(outs.teamIds).toEqual(["a", "z"]);
  });

  test("refreshed inputs keep undeclared profile fields undeclared", () => {
    const outs = toOutputs({ id: "d".repeat(24), username: "jane@example.com", firstName: "Janet", mobileNumber: "555" }, inputs, "atlas");
    const refreshed = toRefreshedInputs(outs, inputs);
    expect(refreshed).toMatchObject({ username: "jane@example.com", firstName: "Janet", password: inputs.password, roles: inputs.roles });
    expect(refreshed).not.toHaveProperty("mobileNumber");
  });

  test("imported inputs (nothing known before) are what the account holds: profile, roles, never a password", () => {
    // `read` of an import takes the roles the account holds as declared.
    const outs = toOutputs(
      { id: "d".repeat(24), username: "jane@example.com", emailAddress: "jane@example.com", firstName: "Janet", country: "GB", roles: [{ orgId: ORG, roleName: "ORG_OWNER" }] },
      { roles: [{ orgId: ORG, roleName: "ORG_OWNER" }] },
      "atlas",
    );
    expect(toRefreshedInputs(outs, {})).toEqual({
      username: "jane@example.com",
      firstName: "Janet",
      country: "GB",
      roles: [{ orgId: ORG, roleName: "ORG_OWNER" }],
    });
  });
});

describe("change rules", () => {
  const olds = toOutputs(
    { id: "e".repeat(24), username: "jane@example.com", firstName: "Jane", lastName: "Doe", country: "US", emailAddress: "jane@example.com" },
    inputs,
    "atlas",
  ) as CloudUserOutputs;

  test("role changes: what to add and what to remove", () => {
    expect(roleChanges([orgMember, projectRead], [projectRead, { orgId: ORG, roleName: "ORG_OWNER" }])).toEqual({
      add: [{ orgId: ORG, roleName: "ORG_OWNER" }],
      remove: [orgMember],
    });
  });

  test("leaving a profile field out is not a change; changing one is", () => {
    expect(changedProfileFields(olds, { ...inputs, firstName: undefined })).toEqual([]);
    expect(changedProfileFields(olds, { ...inputs, firstName: "Janet", country: "DE" })).toEqual(["firstName", "country"]);
  });

  test.each<[CloudUserPlatform, keyof CloudUserInputs, string, boolean]>([
    ["atlas", "firstName", "Janet", true],
    ["atlas-v1", "lastName", "Smith", true],
    ["cloud-manager", "mobileNumber", "555", true],
    ["atlas", "emailAddress", "other@example.com", true],
    ["ops-manager", "firstName", "Janet", false],
    ["ops-manager", "emailAddress", "other@example.com", false],
    ["ops-manager", "country", "DE", true],
  ])("%s: changing %s is forbidden: %s", (platform, field, value, forbidden) => {
    const messages = forbiddenChanges(platform, "jane@example.com", olds, { ...inputs, [field]: value });
    if (!forbidden) {
      expect(messages).toEqual([]);
      return;
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`cannot change ${field} of cloud user jane@example.com on ${platform}`);
    expect(messages[0]).toContain(`add "${field}" to this resource's ignoreChanges`);
  });

  test.each<CloudUserPlatform>(["atlas", "atlas-v1", "cloud-manager", "ops-manager"])(
    "%s: the password is never changeable, and the message never quotes it",
    (platform) => {
      const messages = forbiddenChanges(platform, "jane@example.com", olds, { ...inputs, password: "N3w passphrase!" });
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(new RegExp(`cannot change the password of cloud user jane@example.com on ${platform}`));
      expect(messages[0]).not.toContain("N3w passphrase!");
      expect(messages[0]).not.toContain(inputs.password);
    },
  );

  test("Cloud Manager refuses project-role changes; org-role changes and other platforms pass", () => {
    const news = [orgMember, { projectId: PROJECT, roleName: "GROUP_OWNER" }];
    expect(forbiddenRoleChanges("cloud-manager", "jane@example.com", inputs.roles!, news)[0]).toMatch(
      /project roles of cloud user jane@example.com on cloud-manager \(GROUP_OWNER in project .*GROUP_READ_ONLY in project/,
    );
    expect(forbiddenRoleChanges("cloud-manager", "jane@example.com", inputs.roles!, [{ orgId: ORG, roleName: "ORG_OWNER" }, projectRead])).toEqual([]);
    expect(forbiddenRoleChanges("atlas", "jane@example.com", inputs.roles!, news)).toEqual([]);
  });

  test("Cloud Manager refuses org-role changes of an accepted member at preview; leaving the org is fine", () => {
    const owner = [{ orgId: ORG, roleName: "ORG_OWNER" }, projectRead];
    expect(forbiddenRoleChanges("cloud-manager", "jane@example.com", inputs.roles!, owner, [orgMember])[0]).toMatch(
      /cannot change the org roles of cloud user jane@example.com in organization 5f1b.* on cloud-manager: the user has accepted/,
    );
    expect(forbiddenRoleChanges("cloud-manager", "jane@example.com", inputs.roles!, owner, [])).toEqual([]);
    expect(forbiddenRoleChanges("cloud-manager", "jane@example.com", [orgMember], [], [orgMember])).toEqual([]);
  });

  test("platforms: atlas and atlas-v1 share accounts; each maps to its users API", () => {
    expect(sameAccountStore("atlas", "atlas-v1")).toBe(true);
    expect(sameAccountStore("cloud-manager", "ops-manager")).toBe(false);
    expect(["atlas", "atlas-v1", "cloud-manager", "ops-manager"].map((p) => usersApiFor(p as CloudUserPlatform))).toEqual([
      "atlas-v2",
      "atlas-v1",
      "public-v1",
      "public-v1",
    ]);
  });
});
