package conformance

import (
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312006/admin"
	"go.mongodb.org/atlas/mongodbatlas"
)

// Atlas v2 `/users` (deprecated, 2023-01-01): the SDK always sends
// emailAddress (and mobileNumber, even empty).
func TestV2CloudUsers(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	cloud := sdk.MongoDBCloudUsersApi
	user := admin.NewCloudAppUser("GB", "grace@example.com", "Grace", "Hopper", "", "a-long-enough-secret", "grace@example.com")
	user.SetRoles([]admin.CloudAccessRoleAssignment{{OrgId: ptr(emu.OrgID), RoleName: ptr("ORG_MEMBER")}})
	created, res, err := cloud.CreateUser(ctx(t), user).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	if created.GetId() == "" || created.EmailAddress != "grace@example.com" || created.Password != "" {
		t.Fatalf("created: id %q, email %q, password returned %v", created.GetId(), created.EmailAddress, created.Password != "")
	}
	if len(created.GetRoles()) != 0 {
		t.Fatalf("roles before the invitation is accepted: %+v", created.GetRoles())
	}
	got, _, err := cloud.GetUser(ctx(t), created.GetId()).Execute()
	must(t, err)
	if got.Username != "grace@example.com" || got.Country != "GB" {
		t.Fatalf("get: %+v", got)
	}
	byName, _, err := cloud.GetUserByUsername(ctx(t), "grace@example.com").Execute()
	must(t, err)
	if byName.GetId() != created.GetId() {
		t.Fatalf("byName id %s, want %s", byName.GetId(), created.GetId())
	}
	_, _, err = cloud.CreateUser(ctx(t), user).Execute()
	expectAPIError(t, err, 409, "USER_ALREADY_EXISTS")
	// Without roles the SDK leaves the field out (its spec, v20250312006, does not require it).
	noRoles := admin.NewCloudAppUser("DE", "norole@example.com", "No", "Roles", "", "a-long-enough-secret", "norole@example.com")
	_, res, err = cloud.CreateUser(ctx(t), noRoles).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	_, _, err = cloud.GetUser(ctx(t), "0123456789abcdef01234567").Execute()
	expectAPIError(t, err, 404, "USER_NOT_FOUND")
	_, _, err = cloud.GetUserByUsername(ctx(t), "nobody@example.com").Execute()
	expectAPIError(t, err, 404, "USERNAME_NOT_FOUND")
}

// Atlas v1.0 `/api/atlas/v1.0/users` (seed 000) through the `mongodbatlas`
// client: create answers 200, and the client's default empty emailAddress
// and mobileNumber are accepted.
func TestV1AtlasUsers(t *testing.T) {
	reset(t)
	client := v1Client(t)
	created, res, err := client.AtlasUsers.Create(ctx(t), &mongodbatlas.AtlasUser{
		Username:  "linus@example.com",
		Password:  "a-long-enough-secret",
		FirstName: "Linus",
		LastName:  "Torvalds",
		Country:   "FI",
		Roles:     []mongodbatlas.AtlasRole{{OrgID: emu.OrgID, RoleName: "ORG_MEMBER"}, {GroupID: emu.ProjectID, RoleName: "GROUP_READ_ONLY"}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("create answered %d; seed 000 documents 200", res.StatusCode)
	}
	if created.ID == "" || created.EmailAddress != "linus@example.com" {
		t.Fatalf("created: id %q, email %q", created.ID, created.EmailAddress)
	}
	got, _, err := client.AtlasUsers.Get(ctx(t), created.ID)
	if err != nil || got.Username != "linus@example.com" {
		t.Fatalf("get: %v %+v", err, got)
	}
	byName, _, err := client.AtlasUsers.GetByName(ctx(t), "linus@example.com")
	if err != nil || byName.ID != created.ID {
		t.Fatalf("byName: %v", err)
	}
	_, _, err = client.AtlasUsers.Create(ctx(t), &mongodbatlas.AtlasUser{Username: "linus@example.com", Password: "a-long-enough-secret", FirstName: "L", LastName: "T", Country: "FI", Roles: []mongodbatlas.AtlasRole{}})
	expectV1Error(t, err, 409, "USER_ALREADY_EXISTS")
	_, _, err = client.AtlasUsers.Create(ctx(t), &mongodbatlas.AtlasUser{Username: "no-country@example.com", Password: "a-long-enough-secret", FirstName: "N", LastName: "C", Roles: []mongodbatlas.AtlasRole{}})
	expectV1Error(t, err, 400, "INVALID_COUNTRY_CODE")
	_, _, err = client.AtlasUsers.Get(ctx(t), "0123456789abcdef01234567")
	expectV1Error(t, err, 404, "USER_NOT_FOUND")

	// The client sends "roles": null for a user created without roles.
	bare, res, err := client.AtlasUsers.Create(ctx(t), &mongodbatlas.AtlasUser{Username: "bare@example.com", Password: "a-long-enough-secret", FirstName: "B", LastName: "Are", Country: "US"})
	if err != nil || res.StatusCode != 200 || bare.ID == "" {
		t.Fatalf("create without roles: %v", err)
	}

	// The users of a project (`GET /api/atlas/v1.0/groups/{groupId}/users`) once the invitation is accepted.
	control(t, "POST", "orgs/"+emu.OrgID+"/users/"+created.ID+":accept", nil)
	members, _, err := client.AtlasUsers.List(ctx(t), emu.ProjectID, nil)
	if err != nil {
		t.Fatalf("list project users: %v", err)
	}
	if len(members) != 1 || members[0].ID != created.ID {
		t.Fatalf("project users: %+v", members)
	}
}

func expectV1Error(t *testing.T, err error, status int, code string) {
	t.Helper()
	apiErr, ok := err.(*mongodbatlas.ErrorResponse)
	if !ok {
		t.Fatalf("want %d %s, got %v", status, code, err)
	}
	if apiErr.HTTPCode != status || apiErr.ErrorCode != code {
		t.Fatalf("want %d %s, got %d %s (%s)", status, code, apiErr.HTTPCode, apiErr.ErrorCode, apiErr.Detail)
	}
}
