import { checkWith } from "../../provider/common/check";
import { CloudUserInputsSchema } from "../../provider/cloudUser/schema";
import type { Platform as CloudUserPlatform } from "../../provider/platform";
import { failureNaming } from "../support/checkFailures";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const PROJECT = "6a7b8c9d0e1f5f1b2c3d4e5f";

const valid = {
  username: "jane.doe@example.com",
  password: "correct horse battery",
  firstName: "Jane",
  lastName: "Doe",
  country: "us",
  mobileNumber: "212-555-0100",
  roles: [
    { projectId: PROJECT, roleName: "GROUP_READ_ONLY" },
    { orgId: ORG, roleName: "ORG_MEMBER" },
  ],
};

function check(platform: CloudUserPlatform, input: Record<string, unknown>) {
  return checkWith(CloudUserInputsSchema(platform), { __provider: "shim", ...input });
}

function failureFor(platform: CloudUserPlatform, input: Record<string, unknown>, property: string): string {
  const result = check(platform, input);
  const failure = failureNaming(result.failures, property);
  if (!failure) throw new Error(`no failure for ${property}: ${JSON.stringify(result.failures)}`);
  return failure.reason;
}

describe("CloudUser check", () => {
  test("valid input comes back normalised: roles sorted, country upper-case, no __provider", () => {
    const result = check("atlas", valid);
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({
      ...valid,
      country: "US",
      roles: [
        { orgId: ORG, roleName: "ORG_MEMBER" },
        { projectId: PROJECT, roleName: "GROUP_READ_ONLY" },
      ],
    });
  });

  test("reordering roles gives the same normalised inputs", () => {
    const a = check("atlas", valid).inputs;
    const b = check("atlas", { ...valid, roles: [...valid.roles].reverse() }).inputs;
    expect(b).toEqual(a);
  });

  describe.each<CloudUserPlatform>(["atlas", "atlas-v1", "cloud-manager", "ops-manager"])("on %s", (platform) => {
    test("the valid input passes", () => {
      expect(check(platform, valid).failures).toBeUndefined();
    });

    test.each<[string, Record<string, unknown>, string, RegExp]>([
      ["not an email", { username: "jane" }, "username", /email address/],
      ["short password", { password: "short" }, "password", /at least 8 characters/],
      ["password containing the username", { password: "xJANE.DOE@example.comx" }, "password", /must not contain the username/],
      ["bad country", { country: "USA" }, "country", /ISO 3166-1 alpha-2/],
      ["two letters that are no country", { country: "XX" }, "country", /ISO 3166-1 alpha-2/],
      ["misspelt field", { frstName: "Jane" }, "frstName", /.+/],
      ["both ids", { roles: [{ orgId: ORG, projectId: PROJECT, roleName: "ORG_MEMBER" }] }, "roles[0]", /either orgId or projectId, not both/],
      ["neither id", { roles: [{ roleName: "ORG_MEMBER" }] }, "roles[0]", /organization role: set orgId/],
      ["org role with a project id", { roles: [{ projectId: PROJECT, roleName: "ORG_OWNER" }] }, "roles[0].projectId", /give orgId instead/],
      ["bad org id", { roles: [{ orgId: "nope", roleName: "ORG_MEMBER" }] }, "roles[0].orgId", /24-hexadecimal-digit id of the organization/],
      ["duplicate role", { roles: [{ orgId: ORG, roleName: "ORG_MEMBER" }, { orgId: ORG, roleName: "ORG_MEMBER" }] }, "roles[1]", /duplicate role/],
    ])("%s fails naming the property", (_name, change, property, reason) => {
      expect(failureFor(platform, { ...valid, ...change }, property)).toMatch(reason);
    });
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ["role from another platform", { roles: [{ projectId: PROJECT, roleName: "GROUP_AUTOMATION_ADMIN" }] }, "roles[0].roleName", /not a role on atlas \(it exists on cloud-manager, ops-manager\)/],
    ["no roles on Atlas", { roles: [] }, "roles", /at least one org or project role is required on atlas/],
    ["missing country on Atlas", { country: undefined }, "country", /country is required on atlas/],
    ["a mobile number Atlas refuses", { mobileNumber: "12345" }, "mobileNumber", /North American number/],
    ["an email other than the username on Atlas", { emailAddress: "other@example.com" }, "emailAddress", /always the username/],
  ])("atlas: %s fails naming the property", (_name, change, property, reason) => {
    expect(failureFor("atlas", { ...valid, ...change }, property)).toMatch(reason);
  });

  test("assigned ISO 3166-1 alpha-2 codes pass, in either case", () => {
    for (const country of ["DE", "gb", "AX", "SS", "BQ"]) expect(check("atlas", { ...valid, country }).failures).toBeUndefined();
  });

  test("the platform decides which role names exist", () => {
    const clusterManager = { ...valid, roles: [{ projectId: PROJECT, roleName: "GROUP_CLUSTER_MANAGER" }, { orgId: ORG, roleName: "ORG_MEMBER" }] };
    expect(check("atlas", clusterManager).failures).toBeUndefined();
    expect(failureFor("cloud-manager", clusterManager, "roles[0].roleName")).toMatch(/not a role on cloud-manager \(it exists on atlas, atlas-v1\)/);
  });

  test("GLOBAL_* roles: Ops Manager only, with no id", () => {
    const global = { ...valid, roles: [{ roleName: "GLOBAL_READ_ONLY" }] };
    expect(check("ops-manager", global).failures).toBeUndefined();
    expect(failureFor("ops-manager", { ...valid, roles: [{ orgId: ORG, roleName: "GLOBAL_READ_ONLY" }] }, "roles[0]")).toMatch(/global role: remove orgId/);
    expect(failureFor("atlas", global, "roles[0].roleName")).toMatch(/not a role on atlas \(it exists on ops-manager\)/);
  });

  test("Ops Manager: country optional, no roles allowed", () => {
    expect(check("ops-manager", { ...valid, country: undefined, roles: [] }).failures).toBeUndefined();
  });

  test("Cloud Manager: project roles need an org role too (delete works per org)", () => {
    const onlyProject = { ...valid, roles: [{ projectId: PROJECT, roleName: "GROUP_READ_ONLY" }] };
    expect(failureFor("cloud-manager", onlyProject, "roles")).toMatch(/also give an org role/);
  });
});
