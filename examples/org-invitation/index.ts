// A person invited to an Atlas organization as a member, with read-only
// access to one project. The invitation stays managed after it is accepted,
// and is sent again if it expires unaccepted.
import * as pulumi from "@pulumi/pulumi";
import { OrgInvitation } from "pulumi-atlas-users";

const config = new pulumi.Config();
const orgId = config.require("orgId");
const projectId = config.require("projectId");
const email = config.get("inviteeEmail") ?? "ada.lovelace@example.com";

const ada = new OrgInvitation("ada", {
  orgId,
  username: email,
  roles: ["ORG_MEMBER"],
  projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] }],
  // The default: a new invitation when this one expires unaccepted.
  reinvite: "on-expiry",
});

export const membershipId = ada.id;
export const status = ada.status; // PENDING until accepted, then ACTIVE (after `pulumi refresh`)
export const invitationExpiresAt = ada.invitationExpiresAt;
