// The quickstart: one of each identity pulumi-atlas-users manages.
//  - operator: a MongoDB Cloud user account, member of the organization with read-only access to the project;
//  - analyst:  an invitation to the organization with a project role, managed before and after it is accepted;
//  - app:      a permanent SCRAM database user whose password comes from secret config;
//  - support:  a temporary database user that Atlas deletes 24 hours after creation (re-issued by the next `pulumi up`).
import * as pulumi from "@pulumi/pulumi";
import { CloudUser, DatabaseUser, OrgInvitation } from "pulumi-atlas-users";

const config = new pulumi.Config();
const orgId = config.require("orgId");
const projectId = config.require("projectId");

const operator = new CloudUser("operator", {
  username: config.get("operatorEmail") ?? "operator@example.com",
  // Only the first password: the person changes it after signing in.
  password: config.requireSecret("operatorPassword"),
  firstName: "Olive",
  lastName: "Operator",
  country: "US",
  mobileNumber: "212-555-0100",
  roles: [
    { orgId, roleName: "ORG_MEMBER" },
    { projectId, roleName: "GROUP_READ_ONLY" },
  ],
});

const analyst = new OrgInvitation("analyst", {
  orgId,
  username: config.get("analystEmail") ?? "analyst@example.com",
  roles: ["ORG_MEMBER"],
  projectRoles: [{ projectId, roles: ["GROUP_DATA_ACCESS_READ_ONLY"] }],
});

const app = new DatabaseUser("app", {
  projectId,
  username: "app",
  password: config.requireSecret("appPassword"),
  roles: [{ roleName: "readWrite", databaseName: "app" }],
  description: "the application's own login",
});

const support = new DatabaseUser("support", {
  projectId,
  username: "support-oncall",
  password: config.requireSecret("supportPassword"),
  roles: [{ roleName: "read", databaseName: "app" }],
  // Atlas deletes the user 24 hours after creation; once it is gone, the next
  // `pulumi up` creates it again with a fresh 24 hours (onExpiry: "recreate").
  expiresIn: "24h",
});

export const operatorUserId = operator.id;
export const operatorRoles = operator.activeRoles; // roles waiting for the person to accept show in operator.pendingRoles
export const invitationStatus = analyst.status; // PENDING until accepted; `pulumi refresh` sees ACTIVE
export const appUser = app.id;
export const appPassword = app.password; // a secret: `pulumi stack output --show-secrets appPassword`
export const supportUser = support.id;
export const supportExpiresAt = support.deleteAfterDate;
