/**
 * `check`: every rule of a database user, reported as failures that name the
 * property and say how to fix it; valid input comes back normalised.
 * `check` sends no request, so no emulator is needed here.
 */
import { provider } from "../../provider/databaseUser/provider";
import { failureNaming } from "../support/checkFailures";

const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";
const scram = {
  projectId,
  username: "app-user",
  password: "correct-horse-battery",
  roles: [{ roleName: "readWrite", databaseName: "app" }],
};

async function failuresOf(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const result = await provider.check(olds, news);
  return result.failures ?? [];
}

function inHours(hours: number): string {
  return new Date(Date.now() + hours * 3600_000).toISOString();
}

describe("DatabaseUser check: valid inputs are normalised", () => {
  test("roles, scopes and labels are sorted; the auth database is derived; dates become canonical UTC", async () => {
    const date = new Date(Date.now() + 3600_000);
    date.setUTCMilliseconds(0);
    const offset = new Date(date.getTime() + 3600_000).toISOString().replace(".000Z", "+01:00");
    const result = await provider.check({}, {
      ...scram,
      roles: [{ roleName: "read", databaseName: "b" }, { roleName: "read", databaseName: "a" }],
      scopes: [{ name: "z-cluster", type: "CLUSTER" }, { name: "a-lake", type: "DATA_LAKE" }],
      labels: [{ key: "team", value: "x" }, { key: "env", value: "dev" }],
      deleteAfterDate: offset,
      __provider: "ignored",
    });
    expect(result.failures ?? []).toEqual([]);
    expect(result.inputs).toEqual({
      ...scram,
      databaseName: "admin",
      roles: [{ roleName: "read", databaseName: "a" }, { roleName: "read", databaseName: "b" }],
      scopes: [{ name: "a-lake", type: "DATA_LAKE" }, { name: "z-cluster", type: "CLUSTER" }],
      labels: [{ key: "env", value: "dev" }, { key: "team", value: "x" }],
      deleteAfterDate: date.toISOString().replace(".000Z", "Z"),
    });
  });

  test.each([
    [{ x509Type: "CUSTOMER", username: "CN=app,OU=eng,O=acme" }, "$external"],
    [{ x509Type: "MANAGED", username: "app" }, "$external"],
    [{ awsIAMType: "ROLE", username: "arn:aws:iam::123456789012:role/app" }, "$external"],
    [{ awsIAMType: "USER", username: "arn:aws:iam::123456789012:user/path/app" }, "$external"],
    [{ ldapAuthType: "USER", username: "CN=alice,OU=people,DC=example,DC=com" }, "$external"],
    [{ ldapAuthType: "GROUP", username: "CN=analysts,OU=groups,DC=example,DC=com" }, "admin"],
    [{ oidcAuthType: "USER", username: "idp/name" }, "$external"],
    [{ oidcAuthType: "IDP_GROUP", username: "5dd7496c7a3e5a648454341c/sales" }, "admin"],
  ])("%j authenticates against %s", async (auth, databaseName) => {
    const { password: _omit, ...rest } = scram;
    const result = await provider.check({}, { ...rest, ...auth });
    expect(result.failures ?? []).toEqual([]);
    expect(result.inputs).toMatchObject({ databaseName });
  });

  test("a custom role (any name that is not built in) on admin, and built-in roles where Atlas has them, pass", async () => {
    const roles = [
      { roleName: "salesReader", databaseName: "admin" },
      { roleName: "readWriteAnyDatabase", databaseName: "admin" },
      { roleName: "dbAdmin", databaseName: "app" },
      { roleName: "read", databaseName: "app", collectionName: "orders" },
    ];
    expect(await failuresOf({ ...scram, roles })).toEqual([]);
  });

  test("expiresIn within 7 days passes and is kept as written", async () => {
    for (const expiresIn of ["90m", "24h", "7d", "1h30m", "3s"]) {
      const result = await provider.check({}, { ...scram, expiresIn });
      expect(result.failures ?? []).toEqual([]);
      expect(result.inputs).toMatchObject({ expiresIn });
    }
  });
});

describe("DatabaseUser check: every bad input names its property", () => {
  const { password: _omit, ...noPassword } = scram;
  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ["projectId not hex", { ...scram, projectId: "my-project" }, "projectId", /24 lowercase hexadecimal/],
    ["projectId missing", { ...scram, projectId: undefined }, "projectId", /projectId/],
    ["username empty", { ...scram, username: "" }, "username", /must not be empty/],
    ["username too long", { ...scram, username: "u".repeat(1025) }, "username", /at most 1024/],
    ["password too short", { ...scram, password: "short" }, "password", /at least 8/],
    ["SCRAM without password", noPassword, "password", /required for SCRAM/],
    ["password with X.509", { ...scram, x509Type: "MANAGED" }, "password", /only for SCRAM/],
    ["no roles", { ...scram, roles: [] }, "roles", /at least one role/],
    ["role without database", { ...scram, roles: [{ roleName: "read" }] }, "roles[0].databaseName", /databaseName/],
    ["role with a misspelt key", { ...scram, roles: [{ roleName: "read", databaseName: "a", colection: "x" }] }, "roles[0].colection", /unknown property/],
    ["duplicate role", { ...scram, roles: [{ roleName: "read", databaseName: "a" }, { databaseName: "a", roleName: "read" }] }, "roles[1]", /listed twice/],
    ["scope name with a space", { ...scram, scopes: [{ name: "my cluster", type: "CLUSTER" }] }, "scopes[0].name", /letters, digits and hyphens/],
    ["scope type unknown", { ...scram, scopes: [{ name: "c0", type: "SERVERLESS" }] }, "scopes[0].type", /CLUSTER/],
    ["label value too long", { ...scram, labels: [{ key: "k", value: "v".repeat(256) }] }, "labels[0].value", /at most 255/],
    ["label key empty", { ...scram, labels: [{ key: "", value: "v" }] }, "labels[0].key", /must not be empty/],
    ["description too long", { ...scram, description: "d".repeat(101) }, "description", /at most 100/],
    ["two auth types", { ...noPassword, username: "CN=a", x509Type: "CUSTOMER", ldapAuthType: "USER" }, "x509Type", /only one authentication type/],
    ["auth type unknown", { ...noPassword, awsIAMType: "GROUP" }, "awsIAMType", /"NONE", "USER", "ROLE"/],
    ["SCRAM on $external", { ...scram, databaseName: "$external" }, "databaseName", /"admin"/],
    ["X.509 on admin", { ...noPassword, x509Type: "MANAGED", databaseName: "admin" }, "databaseName", /"\$external"/],
    ["OIDC group on $external", { ...noPassword, oidcAuthType: "IDP_GROUP", username: "idp/g", databaseName: "$external" }, "databaseName", /"admin"/],
    ["LDAP group on $external", { ...noPassword, ldapAuthType: "GROUP", username: "CN=g,DC=example", databaseName: "$external" }, "databaseName", /"admin"/],
    ["admin-only role on another database", { ...scram, roles: [{ roleName: "readAnyDatabase", databaseName: "app" }] }, "roles[0].databaseName", /only on the admin database/],
    ["custom role on another database", { ...scram, roles: [{ roleName: "salesReader", databaseName: "sales" }] }, "roles[0].databaseName", /custom role.*admin database/],
    ["misspelt built-in role (a custom role name) on another database", { ...scram, roles: [{ roleName: "readwrite", databaseName: "app" }] }, "roles[0].databaseName", /not a built-in role.*readWrite/],
    ["database name unknown", { ...scram, databaseName: "local" }, "databaseName", /"admin", "\$external"/],
    ["CUSTOMER X.509 without a CN", { ...noPassword, x509Type: "CUSTOMER", username: "OU=eng,O=acme" }, "username", /with a CN/],
    ["AWS role that is a user ARN", { ...noPassword, awsIAMType: "ROLE", username: "arn:aws:iam::123456789012:user/app" }, "username", /role's ARN/],
    ["AWS user that is not an ARN", { ...noPassword, awsIAMType: "USER", username: "app" }, "username", /ARN/],
    ["LDAP user that is not a DN", { ...noPassword, ldapAuthType: "USER", username: "alice" }, "username", /distinguished name/],
    ["OIDC without an IdP id", { ...noPassword, oidcAuthType: "USER", username: "alice" }, "username", /<IdP id>\//],
    ["both date forms", { ...scram, deleteAfterDate: inHours(1), expiresIn: "1h" }, "expiresIn", /not both/],
    ["date without a zone", { ...scram, deleteAfterDate: "2030-01-01T10:00:00" }, "deleteAfterDate", /with a zone/],
    ["date that is not a date", { ...scram, deleteAfterDate: "next tuesday" }, "deleteAfterDate", /ISO 8601/],
    ["date in the past", { ...scram, deleteAfterDate: inHours(-1) }, "deleteAfterDate", /in the past/],
    ["a past leap second: a date-time, in the past", { ...scram, deleteAfterDate: "2016-12-31T23:59:60Z" }, "deleteAfterDate", /^(?![\s\S]*not an ISO)[\s\S]*in the past/],
    ["date beyond 7 days", { ...scram, deleteAfterDate: inHours(24 * 7 + 1) }, "deleteAfterDate", /more than 7 days ahead/],
    ["expiresIn beyond 7 days", { ...scram, expiresIn: "8d" }, "expiresIn", /at most 7 days/],
    ["expiresIn without units", { ...scram, expiresIn: "3600" }, "expiresIn", /not a duration/],
    ["expiresIn zero", { ...scram, expiresIn: "0s" }, "expiresIn", /at least 1s/],
    ["onExpiry on a permanent user", { ...scram, onExpiry: "recreate" }, "onExpiry", /only applies to temporary/],
    ["onExpiry unknown", { ...scram, expiresIn: "1h", onExpiry: "extend" }, "onExpiry", /"recreate", "fail"/],
    ["adopt not a boolean", { ...scram, adopt: "yes" }, "adopt", /true, false or "takeover"/],
    ["the reserved ownership label", { ...scram, labels: [{ key: "pulumi-atlas-users/owner", value: "p/s" }] }, "labels[0].key", /reserved: the provider stamps it/],
    ["owner empty", { ...scram, owner: "" }, "owner", /owner must not be empty/],
    ["misspelt top-level property", { ...scram, expiresin: "1h" }, "expiresin", /unknown property "expiresin"/],
  ])("%s", async (_name, news, property, reason) => {
    const failures = await failuresOf(news);
    const match = failureNaming(failures, property);
    expect(match).toBeDefined();
    expect(match!.reason).toMatch(reason);
  });

  test("failures never echo the password", async () => {
    const failures = await failuresOf({ ...scram, password: "s3cr3t!", x509Type: "MANAGED" });
    expect(JSON.stringify(failures)).not.toContain("s3cr3t!");
  });
});

describe("DatabaseUser check: absolute dates and time passing", () => {
  test("an unchanged date that time has overtaken is not a check failure (onExpiry decides in diff)", async () => {
    const past = "2020-01-01T00:00:00Z";
    expect(await failuresOf({ ...scram, deleteAfterDate: "2020-01-01T01:00:00+01:00" }, { ...scram, deleteAfterDate: past })).toEqual([]);
  });

  test("a moved date is held to the window again", async () => {
    const failures = await failuresOf({ ...scram, deleteAfterDate: "2020-01-02T00:00:00Z" }, { ...scram, deleteAfterDate: "2020-01-01T00:00:00Z" });
    expect(failures.map((f) => f.property)).toEqual(["deleteAfterDate"]);
  });
});
