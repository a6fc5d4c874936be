// Ops Manager user accounts as code: an operator with project roles, an
// auditor with a global read-only role, and a project owner.
import * as pulumi from "@pulumi/pulumi";
import { CloudUser } from "pulumi-atlas-users";

const config = new pulumi.Config();
const orgId = config.require("orgId");
const projectId = config.require("projectId");
// Initial passwords: each person changes theirs after the first login.
const initialPassword = config.requireSecret("initialPassword");

const operator = new CloudUser("operator", {
  username: "ops.operator@example.com",
  password: initialPassword,
  firstName: "Olivia",
  lastName: "Operator",
  mobileNumber: "+1 212 555 0100",
  roles: [
    { orgId, roleName: "ORG_MEMBER" },
    { projectId, roleName: "GROUP_AUTOMATION_ADMIN" },
    { projectId, roleName: "GROUP_MONITORING_ADMIN" },
  ],
});

const auditor = new CloudUser("auditor", {
  username: "ops.auditor@example.com",
  password: initialPassword,
  firstName: "Arun",
  lastName: "Auditor",
  // Global roles apply to the whole Ops Manager installation: no org or project id.
  roles: [{ roleName: "GLOBAL_READ_ONLY" }],
});

const owner = new CloudUser(
  "owner",
  {
    username: "ops.owner@example.com",
    password: initialPassword,
    firstName: "Omar",
    lastName: "Owner",
    roles: [
      { orgId, roleName: "ORG_OWNER" },
      { projectId, roleName: "GROUP_OWNER" },
    ],
  },
  // The person may change their own profile; do not fight them over it.
  { ignoreChanges: ["mobileNumber"] },
);

export const userIds = { operator: operator.id, auditor: auditor.id, owner: owner.id };
// Roles wait here until each person accepts the invitation; `pulumi refresh` updates them.
export const pendingRoles = { operator: operator.pendingRoles, owner: owner.pendingRoles };
export const activeRoles = { operator: operator.activeRoles, auditor: auditor.activeRoles, owner: owner.activeRoles };
