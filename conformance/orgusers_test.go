package conformance

import (
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312006/admin"
)

func invite(t *testing.T, sdk *admin.APIClient, username string, orgRoles ...string) *admin.OrgUserResponse {
	t.Helper()
	req := admin.NewOrgUserRequest(admin.OrgUserRolesRequest{OrgRoles: orgRoles}, username)
	user, res, err := sdk.MongoDBCloudUsersApi.CreateOrganizationUser(ctx(t), emu.OrgID, req).Execute()
	must(t, err)
	expectStatus(t, res, 201)
	return user
}

// Org user (seed 003): invite → pending → roles edited → accepted → project
// roles → removed, with the invitee acting through the control API.
func TestOrgUserLifecycle(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	cloud := sdk.MongoDBCloudUsersApi

	pending := invite(t, sdk, "ada@example.com", "ORG_MEMBER")
	if pending.OrgMembershipStatus != "PENDING" || !pending.HasInvitationExpiresAt() || !pending.HasInvitationCreatedAt() || !pending.HasInviterUsername() {
		t.Fatalf("new invitation: %+v", pending)
	}
	if days := pending.GetInvitationExpiresAt().Sub(pending.GetInvitationCreatedAt()).Hours() / 24; days != 30 {
		t.Fatalf("invitation lasts %v days, want 30", days)
	}
	_, _, err := cloud.CreateOrganizationUser(ctx(t), emu.OrgID, admin.NewOrgUserRequest(admin.OrgUserRolesRequest{OrgRoles: []string{"ORG_MEMBER"}}, "ada@example.com")).Execute()
	expectAPIStatus(t, err, 409) // the error code is not documented

	list, _, err := cloud.ListOrganizationUsers(ctx(t), emu.OrgID).Username("ada@example.com").Execute()
	must(t, err)
	if len(list.GetResults()) != 1 || list.GetResults()[0].Id != pending.Id {
		t.Fatalf("list by username: %+v", list.GetResults())
	}

	update := admin.OrgUserUpdateRequest{Roles: &admin.OrgUserRolesRequest{OrgRoles: []string{"ORG_READ_ONLY"}}}
	updated, _, err := cloud.UpdateOrganizationUser(ctx(t), emu.OrgID, pending.Id, &update).Execute()
	must(t, err)
	if roles := updated.Roles.GetOrgRoles(); len(roles) != 1 || roles[0] != "ORG_READ_ONLY" {
		t.Fatalf("updated roles: %v", roles)
	}

	control(t, "POST", "orgs/"+emu.OrgID+"/users/"+pending.Id+":accept", nil)
	active, _, err := cloud.GetOrganizationUser(ctx(t), emu.OrgID, pending.Id).Execute()
	must(t, err)
	if active.OrgMembershipStatus != "ACTIVE" || !active.HasCreatedAt() || active.HasInvitationExpiresAt() {
		t.Fatalf("after accept: %+v", active)
	}

	_, res, err := cloud.AddOrganizationRole(ctx(t), emu.OrgID, pending.Id, &admin.AddOrRemoveOrgRole{OrgRole: "ORG_GROUP_CREATOR"}).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	withRole, _, err := cloud.RemoveOrganizationRole(ctx(t), emu.OrgID, pending.Id, &admin.AddOrRemoveOrgRole{OrgRole: "ORG_READ_ONLY"}).Execute()
	must(t, err)
	if roles := withRole.Roles.GetOrgRoles(); len(roles) != 1 || roles[0] != "ORG_GROUP_CREATOR" {
		t.Fatalf("after add/remove role: %v", roles)
	}

	// Project membership of an active org member.
	projectUser, res, err := cloud.AddProjectUser(ctx(t), emu.ProjectID, &admin.GroupUserRequest{Username: "ada@example.com", Roles: []string{"GROUP_READ_ONLY"}}).Execute()
	must(t, err)
	expectStatus(t, res, 201)
	_, _, err = cloud.AddProjectRole(ctx(t), emu.ProjectID, projectUser.Id, &admin.AddOrRemoveGroupRole{GroupRole: "GROUP_DATA_ACCESS_READ_ONLY"}).Execute()
	must(t, err)
	_, _, err = cloud.RemoveProjectRole(ctx(t), emu.ProjectID, projectUser.Id, &admin.AddOrRemoveGroupRole{GroupRole: "GROUP_READ_ONLY"}).Execute()
	must(t, err)
	got, _, err := cloud.GetProjectUser(ctx(t), emu.ProjectID, projectUser.Id).Execute()
	must(t, err)
	if len(got.Roles) != 1 || got.Roles[0] != "GROUP_DATA_ACCESS_READ_ONLY" {
		t.Fatalf("project roles: %v", got.Roles)
	}
	members, _, err := cloud.ListProjectUsers(ctx(t), emu.ProjectID).Execute()
	must(t, err)
	if len(members.GetResults()) != 1 {
		t.Fatalf("project members: %d", len(members.GetResults()))
	}
	res, err = cloud.RemoveProjectUser(ctx(t), emu.ProjectID, projectUser.Id).Execute()
	must(t, err)
	expectStatus(t, res, 204)

	res, err = cloud.RemoveOrganizationUser(ctx(t), emu.OrgID, pending.Id).Execute()
	must(t, err)
	expectStatus(t, res, 204)
	_, _, err = cloud.GetOrganizationUser(ctx(t), emu.OrgID, pending.Id).Execute()
	expectAPIError(t, err, 404, "USER_NOT_FOUND")
}

// A rejected invitation has no expiry any more (the spec: null once rejected);
// an expired one can be replaced by a new invitation.
func TestOrgInvitationRejectedAndExpired(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	cloud := sdk.MongoDBCloudUsersApi

	rejected := invite(t, sdk, "rej@example.com", "ORG_MEMBER")
	control(t, "POST", "orgs/"+emu.OrgID+"/users/"+rejected.Id+":reject", nil)
	got, _, err := cloud.GetOrganizationUser(ctx(t), emu.OrgID, rejected.Id).Execute()
	must(t, err)
	if got.OrgMembershipStatus != "INVITATION_REJECTED" {
		t.Fatalf("status %s", got.OrgMembershipStatus)
	}
	if got.HasInvitationExpiresAt() {
		t.Fatalf("a rejected invitation still has invitationExpiresAt %v", got.GetInvitationExpiresAt())
	}
	again := invite(t, sdk, "rej@example.com", "ORG_MEMBER")
	if again.OrgMembershipStatus != "PENDING" {
		t.Fatalf("re-invited after rejection: %s", again.OrgMembershipStatus)
	}

	expiring := invite(t, sdk, "late@example.com", "ORG_MEMBER")
	advanceClock(t, 31*24*3600)
	got, _, err = cloud.GetOrganizationUser(ctx(t), emu.OrgID, expiring.Id).Execute()
	must(t, err)
	if got.OrgMembershipStatus != "INVITATION_EXPIRED" || !got.HasInvitationExpiresAt() {
		t.Fatalf("after 31 days: %s, expiresAt %v", got.OrgMembershipStatus, got.InvitationExpiresAt)
	}
	expired, _, err := cloud.ListOrganizationUsers(ctx(t), emu.OrgID).OrgMembershipStatus("INVITATION_EXPIRED").Execute()
	must(t, err)
	found := false
	for _, u := range expired.GetResults() {
		if u.OrgMembershipStatus != "INVITATION_EXPIRED" {
			t.Fatalf("the expired filter listed a %s membership", u.OrgMembershipStatus)
		}
		found = found || u.Id == expiring.Id
	}
	if !found {
		t.Fatal("the expired filter does not list the expired invitation")
	}
	renewed := invite(t, sdk, "late@example.com", "ORG_MEMBER")
	if renewed.OrgMembershipStatus != "PENDING" {
		t.Fatalf("re-invited after expiry: %s", renewed.OrgMembershipStatus)
	}
	pending, _, err := cloud.ListOrganizationUsers(ctx(t), emu.OrgID).OrgMembershipStatus("PENDING").Execute()
	must(t, err)
	if len(pending.GetResults()) != 1 || pending.GetResults()[0].Id != renewed.Id {
		t.Fatalf("the PENDING filter: %+v", pending.GetResults())
	}
}

// The deprecated org invitations (`/orgs/{orgId}/invites`, 2023-01-01).
func TestLegacyOrgInvitations(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	orgs := sdk.OrganizationsApi
	created, res, err := orgs.CreateOrganizationInvitation(ctx(t), emu.OrgID, &admin.OrganizationInvitationRequest{
		Username: ptr("legacy@example.com"), Roles: &[]string{"ORG_MEMBER"},
	}).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	if !created.HasExpiresAt() || created.GetUsername() != "legacy@example.com" {
		t.Fatalf("created: %+v", created)
	}
	list, _, err := orgs.ListOrganizationInvitations(ctx(t), emu.OrgID).Execute()
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("%d invitations listed", len(list))
	}
	updated, _, err := orgs.UpdateOrganizationInvitationById(ctx(t), emu.OrgID, created.GetId(), &admin.OrganizationInvitationUpdateRequest{Roles: &[]string{"ORG_READ_ONLY"}}).Execute()
	must(t, err)
	if updated.GetRoles()[0] != "ORG_READ_ONLY" {
		t.Fatalf("updated roles %v", updated.GetRoles())
	}
	_, _, err = orgs.GetOrganizationInvitation(ctx(t), emu.OrgID, created.GetId()).Execute()
	must(t, err)
	res, err = orgs.DeleteOrganizationInvitation(ctx(t), emu.OrgID, created.GetId()).Execute()
	must(t, err)
	expectStatus(t, res, 204)
	_, _, err = orgs.GetOrganizationInvitation(ctx(t), emu.OrgID, created.GetId()).Execute()
	if err == nil {
		t.Fatal("a deleted invitation is still there")
	}
}

// The deprecated project invitations (`/groups/{groupId}/invites`, 2023-01-01)
// and the org invitation update by username.
func TestLegacyProjectInvitations(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	projects := sdk.ProjectsApi
	created, res, err := projects.CreateProjectInvitation(ctx(t), emu.ProjectID, &admin.GroupInvitationRequest{
		Username: ptr("proj@example.com"), Roles: &[]string{"GROUP_READ_ONLY"},
	}).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	if created.GetGroupId() != emu.ProjectID || !created.HasExpiresAt() {
		t.Fatalf("created: %+v", created)
	}
	list, _, err := projects.ListProjectInvitations(ctx(t), emu.ProjectID).Execute()
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("%d invitations listed", len(list))
	}
	updated, _, err := projects.UpdateProjectInvitation(ctx(t), emu.ProjectID, &admin.GroupInvitationRequest{
		Username: ptr("proj@example.com"), Roles: &[]string{"GROUP_DATA_ACCESS_READ_ONLY"},
	}).Execute()
	must(t, err)
	if updated.GetRoles()[0] != "GROUP_DATA_ACCESS_READ_ONLY" {
		t.Fatalf("updated roles %v", updated.GetRoles())
	}
	byID, _, err := projects.UpdateProjectInvitationById(ctx(t), emu.ProjectID, created.GetId(), &admin.GroupInvitationUpdateRequest{Roles: &[]string{"GROUP_OWNER"}}).Execute()
	must(t, err)
	if byID.GetRoles()[0] != "GROUP_OWNER" {
		t.Fatalf("updated by id: %v", byID.GetRoles())
	}
	_, _, err = projects.GetProjectInvitation(ctx(t), emu.ProjectID, created.GetId()).Execute()
	must(t, err)
	res, err = projects.DeleteProjectInvitation(ctx(t), emu.ProjectID, created.GetId()).Execute()
	must(t, err)
	expectStatus(t, res, 204)

	orgInvite, _, err := sdk.OrganizationsApi.CreateOrganizationInvitation(ctx(t), emu.OrgID, &admin.OrganizationInvitationRequest{
		Username: ptr("byname@example.com"), Roles: &[]string{"ORG_MEMBER"},
	}).Execute()
	must(t, err)
	byName, _, err := sdk.OrganizationsApi.UpdateOrganizationInvitation(ctx(t), emu.OrgID, &admin.OrganizationInvitationRequest{
		Username: ptr("byname@example.com"), Roles: &[]string{"ORG_BILLING_ADMIN"},
	}).Execute()
	must(t, err)
	if byName.GetId() != orgInvite.GetId() || byName.GetRoles()[0] != "ORG_BILLING_ADMIN" {
		t.Fatalf("updated by username: %+v", byName)
	}
}
