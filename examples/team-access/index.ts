// Access to one Atlas project through a team, and one person's direct role.
// The two team members are invited to the organization first (a team takes
// only members of its organization, pending ones included), so each
// TeamMembership depends on its invitation.
import * as pulumi from "@pulumi/pulumi";
import { OrgInvitation, ProjectMembership, Team, TeamMembership, TeamProjectAccess } from "pulumi-atlas-users";

const config = new pulumi.Config();
const orgId = config.require("orgId");
const projectId = config.require("projectId");

const team = new Team("platform", { orgId, name: "platform" });

// Everyone in the team owns the project (Project Owner there, not Organization Owner).
new TeamProjectAccess("platform-app", { projectId, teamId: team.teamId, roles: ["GROUP_OWNER"] });

for (const username of ["ada.lovelace@example.com", "alan.turing@example.com"]) {
  const name = username.split("@")[0].replace(".", "-");
  const invitation = new OrgInvitation(name, { orgId, username, roles: ["ORG_MEMBER"] });
  new TeamMembership(`${name}-platform`, { orgId, teamId: team.teamId, username }, { dependsOn: [invitation] });
}

// A data analyst who reads the project's data, outside any team; invited to the organization by the API.
const grace = new ProjectMembership("grace", {
  projectId,
  username: "grace.hopper@example.com",
  roles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"],
});

export const teamId = team.teamId;
export const graceStatus = grace.status; // PENDING until accepted, then ACTIVE (after `pulumi refresh`)
