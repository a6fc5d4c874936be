/**
 * Atlas v2 database users (`2023-01-01`): create, get, update (PATCH), delete,
 * list; keyed by project + auth database + username. Bodies arrive already
 * validated against the spec; this module applies Atlas's business rules
 * (NOTES.md): auth type and auth database, password only for SCRAM, the
 * `deleteAfterDate` window, identity fields that PATCH cannot change, and the
 * 100-users-per-project limit. Passwords are kept only as salted hashes.
 */
import { hashPassword } from "../passwords";
import { customRoleExists } from "./customDbRoles";
import { paginate } from "./paging";
import { DATABASE_ADMIN_ONLY_ROLES as ADMIN_ONLY_ROLES, DATABASE_BUILT_IN_ROLES as BUILT_IN_ROLES } from "./roles";
import type { DatabaseUserRecord } from "../store";
import { EmulatorError, type EmulatorContext, type Route, type RouteRequest, type RouteResponse, type Sweep } from "../types";

const COLLECTION = "/api/atlas/v2/groups/{groupId}/databaseUsers";
const ITEM = "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}";

/** Atlas's limit without a support ticket. */
export const MAX_DATABASE_USERS_PER_PROJECT = 100;
/** `deleteAfterDate` may be at most this far ahead of the request. */
export const MAX_TEMPORARY_USER_SECONDS = 7 * 24 * 3600;

const AUTH_TYPE_FIELDS = ["awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type"] as const;
type AuthTypeField = (typeof AUTH_TYPE_FIELDS)[number];

/** A few of the passwords every breach list starts with (Atlas answers `COMMON_PASSWORD`). */
const COMMON_PASSWORDS = new Set(["password", "password1", "12345678", "123456789", "1234567890", "qwertyuiop", "iloveyou", "11111111"]);

interface DatabaseUserBody {
  groupId: string;
  databaseName: string;
  username: string;
  password?: string;
  /** Required on create (the spec); a PATCH may leave it out to keep the roles. */
  roles?: DatabaseUserRecord["roles"];
  scopes?: DatabaseUserRecord["scopes"];
  labels?: DatabaseUserRecord["labels"];
  description?: string;
  deleteAfterDate?: string;
  awsIAMType?: string;
  ldapAuthType?: string;
  oidcAuthType?: string;
  x509Type?: string;
}

export const routes: readonly Route[] = [
  { method: "POST", path: COLLECTION, platform: "atlas-v2", handle: createUser },
  { method: "GET", path: COLLECTION, platform: "atlas-v2", handle: listUsers },
  { method: "GET", path: ITEM, platform: "atlas-v2", handle: getUser },
  { method: "PATCH", path: ITEM, platform: "atlas-v2", handle: updateUser },
  { method: "DELETE", path: ITEM, platform: "atlas-v2", handle: deleteUser },
];

/** Temporary users disappear once their `deleteAfterDate` has passed. */
export const sweep: Sweep = (ctx) => {
  const now = ctx.now().getTime();
  const users = ctx.store.databaseUsers;
  for (let i = users.length - 1; i >= 0; i--) {
    const d = users[i].deleteAfterDate;
    if (d !== undefined && Date.parse(d) <= now) users.splice(i, 1);
  }
};

function createUser(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const groupId = requireProject(req, ctx);
  const body = req.body as DatabaseUserBody;
  if (body.groupId !== groupId) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", `groupId ${body.groupId} in the body does not match the path's ${groupId}.`, ["groupId"], {
      fields: [{ field: "groupId", description: "Must equal the groupId in the path." }],
    });
  }
  const authTypes = {
    awsIAMType: body.awsIAMType ?? "NONE",
    ldapAuthType: body.ldapAuthType ?? "NONE",
    oidcAuthType: body.oidcAuthType ?? "NONE",
    x509Type: body.x509Type ?? "NONE",
  };
  const scram = checkAuthSettings(authTypes, body.databaseName, body.username);
  if (scram && body.password === undefined) {
    throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The required attribute password was not specified.", ["password"], {
      fields: [{ field: "password", description: "SCRAM users need a password." }],
    });
  }
  if (body.password !== undefined) checkPassword(body.password, scram);
  const roles = body.roles ?? []; // required on create: the spec check has already refused a body without it
  checkRoles(roles, groupId, ctx);
  const deleteAfterDate = body.deleteAfterDate === undefined ? undefined : checkDeleteAfterDate(body.deleteAfterDate, ctx);

  const users = ctx.store.databaseUsers;
  if (users.some((u) => u.groupId === groupId && u.databaseName === body.databaseName && u.username === body.username)) {
    throw new EmulatorError(409, "USER_ALREADY_EXISTS", `A user with username ${body.username} already exists.`, [body.username]);
  }
  if (users.filter((u) => u.groupId === groupId).length >= MAX_DATABASE_USERS_PER_PROJECT) {
    throw new EmulatorError(
      403,
      "GROUP_USERS_LIMIT_EXCEEDED",
      `Project ${groupId} already has the maximum of ${MAX_DATABASE_USERS_PER_PROJECT} database users.`,
      [groupId, MAX_DATABASE_USERS_PER_PROJECT],
    );
  }
  const record: DatabaseUserRecord = {
    groupId,
    databaseName: body.databaseName,
    username: body.username,
    password: body.password === undefined ? undefined : hashPassword(body.password),
    roles: roles.map(copyRole),
    scopes: (body.scopes ?? []).map((s) => ({ name: s.name, type: s.type })),
    labels: (body.labels ?? []).map((l) => ({ key: l.key, value: l.value })),
    description: body.description,
    ...authTypes,
    deleteAfterDate,
  };
  users.push(record);
  return { status: 201, body: toResponse(record, ctx) };
}

function getUser(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  return { status: 200, body: toResponse(findUser(req, ctx), ctx) };
}

function listUsers(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const groupId = requireProject(req, ctx);
  const all = ctx.store.databaseUsers.filter((u) => u.groupId === groupId);
  const page = paginate(all, req.query, `${ctx.baseUrl ?? ""}${req.rawPath}`);
  return { status: 200, body: { ...page, results: page.results.map((u) => toResponse(u, ctx)) } };
}

function updateUser(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const user = findUser(req, ctx);
  const body = req.body as DatabaseUserBody;
  if (body.groupId !== user.groupId) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", `groupId ${body.groupId} in the body does not match the path's ${user.groupId}.`, ["groupId"], {
      fields: [{ field: "groupId", description: "Must equal the groupId in the path." }],
    });
  }
  if (body.username !== user.username) {
    throw new EmulatorError(409, "DATABASE_USERNAME_CANNOT_BE_CHANGED", "The username of a database user cannot be changed.", [
      user.username,
      body.username,
    ]);
  }
  if (body.databaseName !== user.databaseName) {
    throw new EmulatorError(409, "DATABASE_NAME_CANNOT_BE_CHANGED", "The authentication database of a database user cannot be changed.", [
      user.databaseName,
      body.databaseName,
    ]);
  }
  const changedAuth = AUTH_TYPE_FIELDS.find((f: AuthTypeField) => body[f] !== undefined && body[f] !== user[f]);
  if (changedAuth) {
    throw new EmulatorError(409, "AUTH_TYPE_CANNOT_BE_CHANGED", `The authentication type of a database user cannot be changed (${changedAuth}).`, [
      changedAuth,
    ]);
  }
  const scram = AUTH_TYPE_FIELDS.every((f) => user[f] === "NONE");
  if (body.password !== undefined) checkPassword(body.password, scram);
  if (body.roles !== undefined) checkRoles(body.roles, user.groupId, ctx);
  let deleteAfterDate = user.deleteAfterDate;
  if (body.deleteAfterDate !== undefined) {
    if (user.deleteAfterDate === undefined) {
      throw new EmulatorError(
        400,
        "PERMANENT_ENTITY_CANNOT_BE_MADE_TEMPORARY",
        `Database user ${user.username} is permanent and cannot be given a deleteAfterDate; create a new temporary user instead.`,
        [user.username],
      );
    }
    deleteAfterDate = checkDeleteAfterDate(body.deleteAfterDate, ctx);
  }
  // PATCH semantics: fields left out keep their value (including deleteAfterDate).
  if (body.roles !== undefined) user.roles = body.roles.map(copyRole);
  if (body.scopes !== undefined) user.scopes = body.scopes.map((s) => ({ name: s.name, type: s.type }));
  if (body.labels !== undefined) user.labels = body.labels.map((l) => ({ key: l.key, value: l.value }));
  if (body.description !== undefined) user.description = body.description;
  if (body.password !== undefined) user.password = hashPassword(body.password);
  user.deleteAfterDate = deleteAfterDate;
  return { status: 200, body: toResponse(user, ctx) };
}

function deleteUser(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const user = findUser(req, ctx);
  const users = ctx.store.databaseUsers;
  users.splice(users.indexOf(user), 1);
  // Its certificates go with it: a user created again under the name has none.
  ctx.store.userCerts = ctx.store.userCerts.filter((c) => !(c.groupId === user.groupId && c.username === user.username));
  return { status: 204 };
}

function requireProject(req: RouteRequest, ctx: EmulatorContext): string {
  const groupId = req.params.groupId;
  if (!ctx.store.projects.some((p) => p.id === groupId)) {
    throw new EmulatorError(404, "GROUP_NOT_FOUND", `No group with ID ${groupId} exists.`, [groupId]);
  }
  return groupId;
}

function findUser(req: RouteRequest, ctx: EmulatorContext): DatabaseUserRecord {
  const groupId = requireProject(req, ctx);
  const { databaseName, username } = req.params;
  const user = ctx.store.databaseUsers.find(
    (u) => u.groupId === groupId && u.databaseName === databaseName && u.username === username,
  );
  if (!user) {
    throw new EmulatorError(404, "USERNAME_NOT_FOUND", `No user with username ${username} exists.`, [username]);
  }
  return user;
}

/**
 * At most one non-NONE auth type; the auth database must suit it; usernames
 * must have the form the auth type needs. Returns whether this is a SCRAM user.
 */
function checkAuthSettings(types: Record<AuthTypeField, string>, databaseName: string, username: string): boolean {
  const set = AUTH_TYPE_FIELDS.filter((f) => types[f] !== "NONE");
  if (set.length > 1) {
    throw new EmulatorError(
      400,
      "ATLAS_INVALID_AUTH_SETTINGS",
      `Only one of ${AUTH_TYPE_FIELDS.join(", ")} may be other than NONE; got ${set.join(" and ")}.`,
      set,
    );
  }
  const field = set[0];
  const value = field ? types[field] : "NONE";
  // SCRAM, OIDC workforce (IDP_GROUP) and LDAP groups live in admin; every other external type in $external.
  const needsAdmin =
    field === undefined || (field === "oidcAuthType" && value === "IDP_GROUP") || (field === "ldapAuthType" && value === "GROUP");
  if (needsAdmin && databaseName !== "admin") {
    throw new EmulatorError(
      400,
      "DATABASE_NAME_INVALID_ADMIN",
      `Users with ${field ? `${field} ${value}` : "SCRAM authentication"} must use the admin database, not ${databaseName}.`,
      [databaseName],
    );
  }
  if (!needsAdmin && databaseName !== "$external") {
    throw new EmulatorError(
      400,
      "DATABASE_NAME_INVALID_EXTERNAL",
      `Users with ${field} ${value} must use the $external database, not ${databaseName}.`,
      [databaseName],
    );
  }
  const invalidUsername = (why: string, code = "ATLAS_INVALID_USERNAME") =>
    new EmulatorError(400, code, `Username ${username} is not valid: ${why}`, [username]);
  if (field === "awsIAMType" && !/^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/.+/.test(username)) {
    throw invalidUsername(`AWS IAM users need an IAM ${value === "ROLE" ? "role" : "user"} ARN.`);
  }
  if (field === "x509Type" && value === "CUSTOMER" && !/(^|,)\s*CN=/i.test(username)) {
    throw invalidUsername("self-managed X.509 users need a distinguished name with a CN.");
  }
  if (field === "ldapAuthType" && !/^[A-Za-z][A-Za-z0-9.-]*=[^,]+(,\s*[A-Za-z][A-Za-z0-9.-]*=[^,]+)*$/.test(username)) {
    throw invalidUsername("LDAP users and groups need an RFC 2253 distinguished name.", "ATLAS_INVALID_LDAP_NAME");
  }
  if (field === "oidcAuthType" && !/^[^/]+\/.+$/.test(username)) {
    throw invalidUsername("OIDC users and groups are named <IdP id>/<name>.");
  }
  return field === undefined;
}

function checkPassword(password: string, scram: boolean): void {
  if (!scram) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", "Only SCRAM users have a password.", ["password"], {
      fields: [{ field: "password", description: "Remove it: this user authenticates externally." }],
    });
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    throw new EmulatorError(400, "COMMON_PASSWORD", "The password is too common; choose another.", []);
  }
}

function checkRoles(roles: DatabaseUserRecord["roles"], groupId: string, ctx: EmulatorContext): void {
  const seen = new Set<string>();
  for (const role of roles) {
    const k = `${role.roleName}\u0000${role.databaseName}\u0000${role.collectionName ?? ""}`;
    if (seen.has(k)) {
      throw new EmulatorError(400, "DUPLICATE_DATABASE_ROLES", `The role ${role.roleName}@${role.databaseName} is listed twice.`, [
        role.roleName,
        role.databaseName,
      ]);
    }
    seen.add(k);
    if (ADMIN_ONLY_ROLES.has(role.roleName) && role.databaseName !== "admin") {
      throw new EmulatorError(
        400,
        "ATLAS_INVALID_ROLE_DATABASE",
        `The specified role ${role.roleName} only exists for database admin.`,
        [role.roleName, "admin"],
      );
    }
    if (BUILT_IN_ROLES.has(role.roleName)) continue;
    // Any other name is a custom role: it must exist in the project
    // ("The specified role <r>@<db> does not exist."), and is granted on
    // admin (Atlas refuses one on another database with UNSUPPORTED_ROLE).
    if (!customRoleExists(ctx, groupId, role.roleName)) {
      throw new EmulatorError(400, "ATLAS_INVALID_ROLE", `The specified role ${role.roleName}@${role.databaseName} does not exist.`, [
        role.roleName,
        role.databaseName,
      ]);
    }
    if (role.databaseName !== "admin") {
      throw new EmulatorError(400, "UNSUPPORTED_ROLE", "The provided role is not supported.", [role.roleName, role.databaseName]);
    }
  }
}

/** `now < d ≤ now + 7 days` at request time; returned normalised to UTC. */
function checkDeleteAfterDate(value: string, ctx: EmulatorContext): string {
  const at = Date.parse(value);
  const now = ctx.now().getTime();
  if (at <= now) {
    throw new EmulatorError(400, "EXPIRATION_DATE_IN_PAST", `deleteAfterDate ${value} is not in the future.`, [value], {
      fields: [{ field: "deleteAfterDate", description: "Must be in the future." }],
    });
  }
  if (at > now + MAX_TEMPORARY_USER_SECONDS * 1000) {
    throw new EmulatorError(400, "EXPIRATION_DATE_EXCEEDS_MAX", `deleteAfterDate ${value} is more than one week away.`, [value], {
      fields: [{ field: "deleteAfterDate", description: "Must be within one week of the request." }],
    });
  }
  return new Date(at).toISOString();
}

function copyRole(r: DatabaseUserRecord["roles"][number]): DatabaseUserRecord["roles"][number] {
  return r.collectionName === undefined
    ? { roleName: r.roleName, databaseName: r.databaseName }
    : { roleName: r.roleName, databaseName: r.databaseName, collectionName: r.collectionName };
}

/** The API view: never the password, and not `groupId` (writeOnly in the spec). */
function toResponse(u: DatabaseUserRecord, ctx: EmulatorContext): Record<string, unknown> {
  const self = `${ctx.baseUrl ?? ""}/api/atlas/v2/groups/${u.groupId}/databaseUsers/${encodeURIComponent(u.databaseName)}/${encodeURIComponent(u.username)}`;
  const out: Record<string, unknown> = {
    awsIAMType: u.awsIAMType,
    databaseName: u.databaseName,
    labels: u.labels.map((l) => ({ ...l })),
    ldapAuthType: u.ldapAuthType,
    links: [{ href: self, rel: "self" }],
    oidcAuthType: u.oidcAuthType,
    roles: u.roles.map(copyRole),
    scopes: u.scopes.map((s) => ({ ...s })),
    username: u.username,
    x509Type: u.x509Type,
  };
  if (u.description !== undefined) out.description = u.description;
  if (u.deleteAfterDate !== undefined) out.deleteAfterDate = u.deleteAfterDate;
  return out;
}
