package conformance

import (
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312006/admin"
)

// Teams through MongoDB's own SDK: create, get by id and by name, rename, a
// duplicate name refused, one pending member in and out (:addUser /
// :removeUser), the team's roles in a project (add, get, update, list,
// remove), and delete.
func TestTeamLifecycle(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	teams := sdk.TeamsApi
	cloud := sdk.MongoDBCloudUsersApi

	team, res, err := teams.CreateTeam(ctx(t), emu.OrgID, admin.NewTeam("platform", []string{})).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	teamID := team.GetId()
	if len(teamID) != 24 || team.Name != "platform" {
		t.Fatalf("created team: %+v", team)
	}
	_, _, err = teams.CreateTeam(ctx(t), emu.OrgID, admin.NewTeam("Platform", []string{})).Execute()
	expectAPIError(t, err, 409, "DUPLICATE_TEAM_NAME")

	byName, _, err := teams.GetTeamByName(ctx(t), emu.OrgID, "platform").Execute()
	must(t, err)
	if byName.GetId() != teamID {
		t.Fatalf("by name: %+v", byName)
	}
	renamed, _, err := teams.RenameTeam(ctx(t), emu.OrgID, teamID, admin.NewTeamUpdate("platform-eng")).Execute()
	must(t, err)
	if renamed.GetName() != "platform-eng" {
		t.Fatalf("renamed: %+v", renamed)
	}

	ada := invite(t, sdk, "ada@example.com", "ORG_MEMBER")
	member, res, err := cloud.AddUserToTeam(ctx(t), emu.OrgID, teamID, admin.NewAddOrRemoveUserFromTeam(ada.Id)).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	if ids := member.GetTeamIds(); len(ids) != 1 || ids[0] != teamID || member.OrgMembershipStatus != "PENDING" {
		t.Fatalf("after addUser: %+v", member)
	}
	users, _, err := cloud.ListTeamUsers(ctx(t), emu.OrgID, teamID).Execute()
	must(t, err)
	if len(users.GetResults()) != 1 || users.GetResults()[0].Username != "ada@example.com" {
		t.Fatalf("team users: %+v", users.GetResults())
	}
	_, _, err = cloud.AddUserToTeam(ctx(t), emu.OrgID, teamID, admin.NewAddOrRemoveUserFromTeam("0123456789abcdef01234567")).Execute()
	expectAPIError(t, err, 400, "USER_NOT_IN_ORG")

	role := admin.NewTeamRole()
	role.SetTeamId(teamID)
	role.SetRoleNames([]string{"GROUP_READ_ONLY"})
	added, _, err := teams.AddAllTeamsToProject(ctx(t), emu.ProjectID, &[]admin.TeamRole{*role}).Execute()
	must(t, err)
	if got := added.GetResults(); len(got) != 1 || got[0].GetTeamId() != teamID {
		t.Fatalf("added to project: %+v", got)
	}
	role.SetRoleNames([]string{"GROUP_OWNER"})
	_, _, err = teams.UpdateTeamRoles(ctx(t), emu.ProjectID, teamID, role).Execute()
	must(t, err)
	access, _, err := teams.GetProjectTeam(ctx(t), emu.ProjectID, teamID).Execute()
	must(t, err)
	if names := access.GetRoleNames(); len(names) != 1 || names[0] != "GROUP_OWNER" {
		t.Fatalf("project roles: %v", names)
	}
	listed, _, err := teams.ListProjectTeams(ctx(t), emu.ProjectID).Execute()
	must(t, err)
	if len(listed.GetResults()) != 1 {
		t.Fatalf("project teams: %+v", listed.GetResults())
	}
	res, err = teams.RemoveProjectTeam(ctx(t), emu.ProjectID, teamID).Execute()
	must(t, err)
	expectStatus(t, res, 204)
	_, _, err = teams.GetProjectTeam(ctx(t), emu.ProjectID, teamID).Execute()
	expectAPIStatus(t, err, 404)

	left, _, err := cloud.RemoveUserFromTeam(ctx(t), emu.OrgID, teamID, admin.NewAddOrRemoveUserFromTeam(ada.Id)).Execute()
	must(t, err)
	if len(left.GetTeamIds()) != 0 {
		t.Fatalf("after removeUser: %+v", left)
	}
	res, err = teams.DeleteTeam(ctx(t), emu.OrgID, teamID).Execute()
	must(t, err)
	expectStatus(t, res, 204)
	_, _, err = teams.GetTeamById(ctx(t), emu.OrgID, teamID).Execute()
	expectAPIError(t, err, 404, "TEAM_NOT_FOUND")
}
