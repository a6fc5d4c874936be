/**
 * Cloud user accounts over real HTTP on the three products: Atlas v2 `/users`,
 * Atlas v1.0 `/users` (seed 000) and Cloud / Ops Manager `/api/public/v1.0/users`
 * (seeds 001-002): creation with pending invitations, password and field
 * rules, role rules per product, and Ops Manager's PATCH / DELETE.
 */
import { seedOrgAndProject, specProblems, useIdentitySandbox, type ApiCaller, type ApiResponse } from "../support/atlasApi";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";

const PASSWORD = "Corr3ct-Horse-Battery";

let emu: EmulatorHandle;
let call: ApiCaller;
let orgId: string;
let projectId: string;

useIdentitySandbox((sandbox) => ({ emu, call, orgId, projectId } = sandbox));
afterEach(async () => {
  await emulatorControl.settings(emu, { publicApiFlavor: "cloud-manager", bypassInviteForExistingUsers: false });
});

let counter = 0;
function uniqueEmail(prefix: string): string {
  counter += 1;
  return `${prefix}.${counter}.${Date.now()}@example.com`;
}

function atlasUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    username: uniqueEmail("atlas"),
    password: PASSWORD,
    firstName: "Ada",
    lastName: "Lovelace",
    country: "GB",
    mobileNumber: "212-555-0123",
    roles: [],
    ...overrides,
  };
}

const v2 = (method: string, path: string, body?: unknown) => call({ method, path: `/api/atlas/v2${path}`, version: "2023-01-01", body });
const v1 = (method: string, path: string, body?: unknown) => call({ method, path: `/api/atlas/v1.0${path}`, body });
const pub = (method: string, path: string, body?: unknown) => call({ method, path: `/api/public/v1.0${path}`, body });

/**
 * The spec marks CloudAppUser's `password` required in responses too; the
 * emulator never returns a password (NOTES.md, and the project's rule), so
 * that one problem is expected and nothing else.
 */
function expectValidExceptPassword(method: string, template: string, res: ApiResponse): void {
  expect(specProblems(method, template, res)).toEqual(["/ must have required property 'password'"]);
}

describe("Atlas v2 /users (2023-01-01)", () => {
  it("creates an account (200); its org and project roles are pending invitations until accepted", async () => {
    const body = atlasUser({
      roles: [
        { orgId, roleName: "ORG_MEMBER" },
        { groupId: projectId, roleName: "GROUP_READ_ONLY" },
      ],
    });
    const created = await v2("POST", "/users", body);
    expect(created.status).toBe(200);
    expect(created.contentType).toContain("application/vnd.atlas.2023-01-01+json");
    expectValidExceptPassword("POST", "/api/atlas/v2/users", created);
    expect(created.body).toMatchObject({ username: body.username, emailAddress: body.username, firstName: "Ada", country: "GB", roles: [] });
    expect(JSON.stringify(created.body)).not.toContain(PASSWORD);

    const member = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}`, version: "2025-02-19" });
    expect(member.body).toMatchObject({
      orgMembershipStatus: "PENDING",
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_READ_ONLY"] }] },
    });

    await emulatorControl.acceptInvitation(emu, orgId, created.body.id);
    const after = await v2("GET", `/users/${created.body.id}`);
    expect(after.status).toBe(200);
    expectValidExceptPassword("GET", "/api/atlas/v2/users/{userId}", after);
    expect(after.body.roles).toEqual(
      expect.arrayContaining([
        { orgId, roleName: "ORG_MEMBER" },
        { groupId: projectId, roleName: "GROUP_READ_ONLY" },
      ]),
    );
    const activeMember = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}`, version: "2025-02-19" });
    expect(activeMember.body).toMatchObject({
      orgMembershipStatus: "ACTIVE",
      firstName: "Ada",
      lastName: "Lovelace",
      country: "GB",
      mobileNumber: "212-555-0123",
    });
    expect(specProblems("GET", "/api/atlas/v2/orgs/{orgId}/users/{userId}", activeMember)).toEqual([]);
  });

  it("stores only a hash of the password: check-password proves it, nothing returns it", async () => {
    const created = await v2("POST", "/users", atlasUser());
    expect(await emulatorControl.checkCloudUserPassword(emu, { userId: created.body.id, password: PASSWORD })).toEqual({ ok: true });
    expect(await emulatorControl.checkCloudUserPassword(emu, { userId: created.body.id, password: "Wrong-Horse-Battery" })).toEqual({ ok: false });
    expect(JSON.stringify(await emulatorControl.state(emu))).not.toContain(PASSWORD);
  });

  it("accepts what the official SDK's CreateUser always sends: the read-only emailAddress and an empty mobileNumber", async () => {
    const body = atlasUser({ mobileNumber: "" });
    const created = await v2("POST", "/users", { ...body, emailAddress: body.username });
    expect(created.status).toBe(200);
    expect(created.body.emailAddress).toBe(body.username);
    // No number given, none returned (the spec requires one in responses, with a pattern "" does not match).
    expect(created.body).not.toHaveProperty("mobileNumber");
    // The SDK leaves roles out when there are none (the spec it was built from does not require them).
    const { roles: _none, ...noRoles } = atlasUser();
    expect((await v2("POST", "/users", noRoles)).status).toBe(200);
    expect(specProblems("POST", "/api/atlas/v2/users", created).sort()).toEqual([
      "/ must have required property 'mobileNumber'",
      "/ must have required property 'password'",
    ]);
  });

  it("reads by id and by name (the spec allows lower-case names only); unknown ones are USER_NOT_FOUND / USERNAME_NOT_FOUND", async () => {
    const body = atlasUser();
    const created = await v2("POST", "/users", body);
    const byName = await v2("GET", `/users/byName/${encodeURIComponent(String(body.username))}`);
    expect(byName.status).toBe(200);
    expectValidExceptPassword("GET", "/api/atlas/v2/users/byName/{userName}", byName);
    expect(byName.body.id).toBe(created.body.id);
    const noId = await v2("GET", "/users/0123456789abcdef01234567");
    expect(noId.status).toBe(404);
    expect(noId.body).toMatchObject({ error: 404, errorCode: "USER_NOT_FOUND" });
    const upper = await v2("GET", `/users/byName/${String(body.username).toUpperCase()}`);
    expect(upper.status).toBe(400);
    const noName = await v2("GET", "/users/byName/nobody@example.com");
    expect(noName.status).toBe(404);
    expect(noName.body).toMatchObject({ error: 404, errorCode: "USERNAME_NOT_FOUND" });
  });

  it("refuses a duplicate username, weak and common passwords, global roles and misplaced role ids", async () => {
    const body = atlasUser();
    expect((await v2("POST", "/users", body)).status).toBe(200);
    const dup = await v2("POST", "/users", { ...body, username: String(body.username).toUpperCase() });
    expect(dup.status).toBe(409);
    expect(dup.body.errorCode).toBe("USER_ALREADY_EXISTS");

    const username = uniqueEmail("pw");
    const containsName = await v2("POST", "/users", atlasUser({ username, password: `x${username.toUpperCase()}!` }));
    expect(containsName.status).toBe(400);
    expect(containsName.body.errorCode).toBe("WEAK_PASSWORD");
    expect(containsName.body.detail).toContain("username");
    // Only the whole username counts (the documented rule), as in the provider's check.
    const other = uniqueEmail("pw");
    const localPartOnly = await v2("POST", "/users", atlasUser({ username: other, password: `x${other.split("@")[0]}!` }));
    expect(localPartOnly.status).toBe(200);
    const common = await v2("POST", "/users", atlasUser({ password: "Password123" }));
    expect(common.status).toBe(400);
    expect(common.body.errorCode).toBe("COMMON_PASSWORD");

    const global = await v2("POST", "/users", atlasUser({ roles: [{ roleName: "GLOBAL_OWNER" }] }));
    expect(global.status).toBe(403);
    expect(global.body.errorCode).toBe("CANNOT_ADD_GLOBAL_ROLE");
    const both = await v2("POST", "/users", atlasUser({ roles: [{ orgId, groupId: projectId, roleName: "ORG_MEMBER" }] }));
    expect(both.status).toBe(400);
    expect(both.body.errorCode).toBe("ROLE_NEEDS_NO_GROUP_ID");
    const badOrgRole = await v2("POST", "/users", atlasUser({ roles: [{ orgId, roleName: "ORG_EMPEROR" }] }));
    expect(badOrgRole.status).toBe(400);
    expect(badOrgRole.body.errorCode).toBe("INVALID_ROLE_FOR_ORG");
    const cmOnly = await v2("POST", "/users", atlasUser({ roles: [{ groupId: projectId, roleName: "GROUP_AUTOMATION_ADMIN" }] }));
    expect(cmOnly.status).toBe(400);
    expect(cmOnly.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");
  });
});

describe("Atlas v1.0 /users (seed 000)", () => {
  it("creates (200, as seed 000 documents) and reads an account with unversioned JSON", async () => {
    const body = atlasUser({ roles: [{ orgId, roleName: "ORG_READ_ONLY" }] });
    delete body.mobileNumber;
    const created = await v1("POST", "/users", body);
    expect(created.status).toBe(200);
    expect(created.contentType).toContain("application/json");
    expect(created.body).toMatchObject({ username: body.username, country: "GB", roles: [] });
    expect(created.body.links[0].href).toBe(`/api/atlas/v1.0/users/${created.body.id}`);
    expect((await v1("GET", `/users/${created.body.id}`)).body.username).toBe(body.username);
    expect((await v1("GET", `/users/byName/${body.username}`)).body.id).toBe(created.body.id);
  });

  it("takes the v1.0 client's empty emailAddress and mobileNumber as not given; a malformed emailAddress is named as such", async () => {
    const body = atlasUser({ emailAddress: "", mobileNumber: "" });
    const created = await v1("POST", "/users", body);
    expect(created.status).toBe(200);
    expect(created.body.emailAddress).toBe(body.username);
    expect(created.body).not.toHaveProperty("mobileNumber");
    const malformed = await v1("POST", "/users", atlasUser({ emailAddress: "not-an-address" }));
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ errorCode: "INVALID_ATTRIBUTE", parameters: ["emailAddress"] });
  });

  it("takes roles: null (the v1.0 client's default) as no roles", async () => {
    const created = await v1("POST", "/users", atlasUser({ roles: null }));
    expect(created.status).toBe(200);
    expect(created.body.roles).toEqual([]);
  });

  it("lists a project's users (GET /groups/{groupId}/users): accepted roles only, paged", async () => {
    const member = await v1("POST", "/users", atlasUser({ roles: [{ groupId: projectId, roleName: "GROUP_READ_ONLY" }] }));
    await v1("POST", "/users", atlasUser({ roles: [{ groupId: projectId, roleName: "GROUP_READ_ONLY" }] }));
    await emulatorControl.acceptInvitation(emu, orgId, member.body.id);
    const list = await v1("GET", `/groups/${projectId}/users`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ totalCount: 1, results: [{ id: member.body.id }] });
    expect(list.body.results[0].roles).toContainEqual({ groupId: projectId, roleName: "GROUP_READ_ONLY" });
    expect((await v1("GET", `/groups/${"0".repeat(24)}/users`)).status).toBe(404);
  });

  it("validates the body with Atlas-shaped errors naming the field", async () => {
    const { country: _omitted, ...noCountry } = atlasUser();
    const missing = await v1("POST", "/users", noCountry);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      error: 400,
      errorCode: "MISSING_ATTRIBUTE",
      parameters: ["country"],
      badRequestDetail: { fields: [{ field: "country" }] },
    });
    const unknown = await v1("POST", "/users", atlasUser({ nickname: "Ada" }));
    expect(unknown.body).toMatchObject({ errorCode: "INVALID_ATTRIBUTE", parameters: ["nickname"] });
    const wrongType = await v1("POST", "/users", atlasUser({ roles: "ORG_MEMBER" }));
    expect(wrongType.body).toMatchObject({ errorCode: "INVALID_JSON_ATTRIBUTE", parameters: ["roles"] });
    const roleField = await v1("POST", "/users", atlasUser({ roles: [{ orgId, role: "ORG_MEMBER" }] }));
    expect(roleField.body).toMatchObject({ errorCode: "INVALID_ATTRIBUTE", parameters: ["roles[0].role"] });
    const country = await v1("POST", "/users", atlasUser({ country: "usa" }));
    expect(country.body.errorCode).toBe("INVALID_COUNTRY_CODE");
    const notEmail = await v1("POST", "/users", atlasUser({ username: "ada" }));
    expect(notEmail.body.errorCode).toBe("INVALID_USERNAME");
    const short = await v1("POST", "/users", atlasUser({ password: "Sh0rt!" }));
    expect(short.body.errorCode).toBe("WEAK_PASSWORD");
    const notJson = await v1("POST", "/users", ["not", "an", "object"]);
    expect(notJson.body.errorCode).toBe("INVALID_JSON");
  });

  it("has no update or delete", async () => {
    const created = await v1("POST", "/users", atlasUser());
    expect((await v1("PATCH", `/users/${created.body.id}`, { firstName: "X" })).status).toBe(405);
    expect((await v1("DELETE", `/users/${created.body.id}`)).status).toBe(405);
  });
});

describe("Cloud Manager /api/public/v1.0/users (seed 001)", () => {
  function cmUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const username = uniqueEmail("jane.doe");
    return {
      username,
      emailAddress: username,
      firstName: "Jane",
      lastName: "Doe",
      password: "M0ng0D8!:)",
      country: "US",
      roles: [
        { groupId: projectId, roleName: "GROUP_USER_ADMIN" },
        { orgId, roleName: "ORG_MEMBER" },
      ],
      ...overrides,
    };
  }

  it("creates the seed's example user (201, roles [] until the invitation is accepted)", async () => {
    const created = await pub("POST", "/users", cmUser());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ firstName: "Jane", lastName: "Doe", roles: [] });
    await emulatorControl.acceptInvitation(emu, orgId, created.body.id);
    const after = await pub("GET", `/users/${created.body.id}`);
    expect(after.body.roles).toEqual(
      expect.arrayContaining([
        { orgId, roleName: "ORG_MEMBER" },
        { groupId: projectId, roleName: "GROUP_USER_ADMIN" },
      ]),
    );
  });

  it("accepts Cloud Manager roles (GROUP_BILLING_ADMIN) but no global roles, and requires emailAddress", async () => {
    const billing = await pub("POST", "/users", cmUser({ roles: [{ groupId: projectId, roleName: "GROUP_BILLING_ADMIN" }] }));
    expect(billing.status).toBe(201);
    const global = await pub("POST", "/users", cmUser({ roles: [{ roleName: "GLOBAL_READ_ONLY" }] }));
    expect(global.status).toBe(403);
    expect(global.body.errorCode).toBe("CANNOT_ADD_GLOBAL_ROLE");
    const { emailAddress: _omitted, ...noEmail } = cmUser();
    const missing = await pub("POST", "/users", noEmail);
    expect(missing.body).toMatchObject({ errorCode: "MISSING_ATTRIBUTE", parameters: ["emailAddress"] });
  });

  it("answers PATCH and DELETE with 405, as Cloud Manager has neither", async () => {
    const created = await pub("POST", "/users", cmUser());
    const patch = await pub("PATCH", `/users/${created.body.id}`, { firstName: "Janet" });
    expect(patch.status).toBe(405);
    expect(patch.body.errorCode).toBe("METHOD_NOT_ALLOWED");
    expect(patch.body.error).toBe(405);
    expect(patch.headers.get("allow")).toBe("GET");
    expect((await pub("DELETE", `/users/${created.body.id}`)).status).toBe(405);
    expect((await pub("GET", `/users/${created.body.id}`)).body.firstName).toBe("Jane");
  });
});

describe("Ops Manager /api/public/v1.0/users (seed 002)", () => {
  beforeEach(async () => {
    await emulatorControl.settings(emu, { publicApiFlavor: "ops-manager" });
  });

  function omUser(roles: unknown[]): Record<string, unknown> {
    const username = uniqueEmail("om");
    return { username, emailAddress: username, firstName: "Olive", lastName: "Manager", password: PASSWORD, roles };
  }

  it("global roles are active at once; org roles are invited unless bypassInviteForExistingUsers", async () => {
    const invited = await pub("POST", "/users", omUser([{ roleName: "GLOBAL_READ_ONLY" }, { orgId, roleName: "ORG_OWNER" }]));
    expect(invited.status).toBe(201);
    expect(invited.body.roles).toEqual([{ roleName: "GLOBAL_READ_ONLY" }]);

    await emulatorControl.settings(emu, { bypassInviteForExistingUsers: true });
    const direct = await pub("POST", "/users", omUser([{ orgId, roleName: "ORG_OWNER" }, { groupId: projectId, roleName: "GROUP_OWNER" }]));
    expect(direct.status).toBe(201);
    expect(direct.body.roles).toEqual(
      expect.arrayContaining([
        { orgId, roleName: "ORG_OWNER" },
        { groupId: projectId, roleName: "GROUP_OWNER" },
      ]),
    );
    const members = await pub("GET", `/orgs/${orgId}/users`);
    expect(members.body.results.map((u: { id: string }) => u.id)).toEqual([direct.body.id]);
  });

  it("refuses Cloud Manager-only roles and global roles tied to an org", async () => {
    const billing = await pub("POST", "/users", omUser([{ groupId: projectId, roleName: "GROUP_BILLING_ADMIN" }]));
    expect(billing.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");
    const atlasAdmin = await pub("POST", "/users", omUser([{ groupId: projectId, roleName: "GROUP_ATLAS_ADMIN" }]));
    expect(atlasAdmin.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");
    const tied = await pub("POST", "/users", omUser([{ orgId, roleName: "GLOBAL_OWNER" }]));
    expect(tied.body.errorCode).toBe("ROLE_NEEDS_NO_ORG_ID");
  });

  it("PATCH changes names, email and mobile and replaces roles, but never the password", async () => {
    await emulatorControl.settings(emu, { bypassInviteForExistingUsers: true });
    const created = await pub("POST", "/users", omUser([{ orgId, roleName: "ORG_MEMBER" }]));
    const patched = await pub("PATCH", `/users/${created.body.id}`, {
      firstName: "Olivia",
      mobileNumber: "212-555-0199",
      roles: [{ groupId: projectId, roleName: "GROUP_READ_ONLY" }, { roleName: "GLOBAL_MONITORING_ADMIN" }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ firstName: "Olivia", lastName: "Manager", mobileNumber: "212-555-0199" });
    expect(patched.body.roles).toEqual(
      expect.arrayContaining([
        { roleName: "GLOBAL_MONITORING_ADMIN" },
        { orgId, roleName: "ORG_MEMBER" },
        { groupId: projectId, roleName: "GROUP_READ_ONLY" },
      ]),
    );
    expect(patched.body.roles).toHaveLength(3);

    const password = await pub("PATCH", `/users/${created.body.id}`, { password: "An0ther-Secret-Value" });
    expect(password.status).toBe(400);
    expect(password.body).toMatchObject({ errorCode: "ATTRIBUTE_READ_ONLY", parameters: ["password"] });
    expect(await emulatorControl.checkCloudUserPassword(emu, { userId: created.body.id, password: PASSWORD })).toEqual({ ok: true });
    const rename = await pub("PATCH", `/users/${created.body.id}`, { username: uniqueEmail("renamed") });
    expect(rename.body.errorCode).toBe("ATTRIBUTE_READ_ONLY");
    // Not among the fields Ops Manager's PATCH takes (as in the provider's platform record).
    const country = await pub("PATCH", `/users/${created.body.id}`, { country: "DE" });
    expect([country.status, country.body.errorCode, country.body.parameters]).toEqual([400, "INVALID_ATTRIBUTE", ["country"]]);
  });

  it("PATCH roles without bypass: orgs the user is active in change at once, new orgs get an invitation", async () => {
    const created = await pub("POST", "/users", omUser([{ orgId, roleName: "ORG_MEMBER" }]));
    await emulatorControl.acceptInvitation(emu, orgId, created.body.id);
    const other = await seedOrgAndProject(emu);
    const patched = await pub("PATCH", `/users/${created.body.id}`, {
      roles: [
        { orgId, roleName: "ORG_OWNER" },
        { orgId: other.orgId, roleName: "ORG_MEMBER" },
      ],
    });
    expect(patched.body.roles).toEqual([{ orgId, roleName: "ORG_OWNER" }]);
    const pending = await call({ method: "GET", path: `/api/atlas/v2/orgs/${other.orgId}/users/${created.body.id}`, version: "2025-02-19" });
    expect(pending.body).toMatchObject({ orgMembershipStatus: "PENDING", roles: { orgRoles: ["ORG_MEMBER"] } });
  });

  it("DELETE removes the account (200) and its memberships", async () => {
    await emulatorControl.settings(emu, { bypassInviteForExistingUsers: true });
    const created = await pub("POST", "/users", omUser([{ orgId, roleName: "ORG_MEMBER" }]));
    const deleted = await pub("DELETE", `/users/${created.body.id}`);
    expect(deleted.status).toBe(200);
    expect((await pub("GET", `/users/${created.body.id}`)).body.errorCode).toBe("USER_NOT_FOUND");
    expect((await pub("GET", `/orgs/${orgId}/users`)).body.results).toEqual([]);
    expect((await pub("DELETE", `/users/${created.body.id}`)).status).toBe(404);
  });
});
