package conformance

import (
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312006/admin"
)

func scramUser(username string, roles ...admin.DatabaseUserRole) *admin.CloudDatabaseUser {
	if len(roles) == 0 {
		roles = []admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "sales"}}
	}
	u := admin.NewCloudDatabaseUser("admin", emu.ProjectID, username)
	u.SetPassword("correct-horse-battery")
	u.SetRoles(roles)
	return u
}

// Every authentication type: create, get (the SDK escapes the path), delete.
func TestDatabaseUserAuthTypes(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	read := []admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "sales"}}
	cases := []struct {
		name, db, username, field, value string
	}{
		{"SCRAM", "admin", "app-user", "", ""},
		{"X.509 managed", "$external", "x509-managed", "x509Type", "MANAGED"},
		{"X.509 customer", "$external", "CN=app,OU=eng,O=Example", "x509Type", "CUSTOMER"},
		{"AWS IAM user", "$external", "arn:aws:iam::123456789012:user/app", "awsIAMType", "USER"},
		{"AWS IAM role", "$external", "arn:aws:iam::123456789012:role/app", "awsIAMType", "ROLE"},
		{"LDAP user", "$external", "CN=Jane Doe,OU=people,DC=example,DC=com", "ldapAuthType", "USER"},
		{"LDAP group", "admin", "CN=dba,OU=groups,DC=example,DC=com", "ldapAuthType", "GROUP"},
		{"OIDC workload", "$external", "0oa1idp/app-workload", "oidcAuthType", "USER"},
		{"OIDC workforce", "admin", "0oa1idp/dba-group", "oidcAuthType", "IDP_GROUP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := admin.NewCloudDatabaseUser(c.db, emu.ProjectID, c.username)
			u.SetRoles(read)
			switch c.field {
			case "":
				u.SetPassword("correct-horse-battery")
			case "x509Type":
				u.SetX509Type(c.value)
			case "awsIAMType":
				u.SetAwsIAMType(c.value)
			case "ldapAuthType":
				u.SetLdapAuthType(c.value)
			case "oidcAuthType":
				u.SetOidcAuthType(c.value)
			}
			created, res, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, u).Execute()
			must(t, err)
			expectStatus(t, res, 201)
			if created.HasPassword() {
				t.Fatal("the password came back in the response")
			}
			got, _, err := sdk.DatabaseUsersApi.GetDatabaseUser(ctx(t), emu.ProjectID, c.db, c.username).Execute()
			must(t, err)
			if got.Username != c.username || got.DatabaseName != c.db {
				t.Fatalf("got %s/%s", got.DatabaseName, got.Username)
			}
			types := map[string]string{"x509Type": got.GetX509Type(), "awsIAMType": got.GetAwsIAMType(), "ldapAuthType": got.GetLdapAuthType(), "oidcAuthType": got.GetOidcAuthType()}
			for field, value := range types {
				want := "NONE"
				if field == c.field {
					want = c.value
				}
				if value != want {
					t.Fatalf("%s = %q, want %q", field, value, want)
				}
			}
			res, err = sdk.DatabaseUsersApi.DeleteDatabaseUser(ctx(t), emu.ProjectID, c.db, c.username).Execute()
			must(t, err)
			expectStatus(t, res, 204)
			_, _, err = sdk.DatabaseUsersApi.GetDatabaseUser(ctx(t), emu.ProjectID, c.db, c.username).Execute()
			expectAPIError(t, err, 404, "USERNAME_NOT_FOUND")
		})
	}
}

func TestDatabaseUserListPaging(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	for _, name := range []string{"page-a", "page-b", "page-c"} {
		_, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, scramUser(name)).Execute()
		must(t, err)
	}
	seen := map[string]bool{}
	for page := 1; page <= 2; page++ {
		list, _, err := sdk.DatabaseUsersApi.ListDatabaseUsers(ctx(t), emu.ProjectID).ItemsPerPage(2).PageNum(page).IncludeCount(true).Execute()
		must(t, err)
		if list.GetTotalCount() != 3 {
			t.Fatalf("totalCount = %d, want 3", list.GetTotalCount())
		}
		want := map[int]int{1: 2, 2: 1}[page]
		if len(list.GetResults()) != want {
			t.Fatalf("page %d has %d results, want %d", page, len(list.GetResults()), want)
		}
		for _, u := range list.GetResults() {
			seen[u.Username] = true
		}
	}
	if len(seen) != 3 {
		t.Fatalf("pages gave %v, want the three users once each", seen)
	}
}

// PATCH sends only the fields it sets: MongoDB documents "send only the fields you change".
func TestDatabaseUserUpdateSendsOnlyChangedFields(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	_, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, scramUser("patched")).Execute()
	must(t, err)

	patch := admin.NewCloudDatabaseUser("admin", emu.ProjectID, "patched")
	patch.SetDescription("only the description")
	updated, res, err := sdk.DatabaseUsersApi.UpdateDatabaseUser(ctx(t), emu.ProjectID, "admin", "patched", patch).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	if updated.GetDescription() != "only the description" {
		t.Fatalf("description = %q", updated.GetDescription())
	}
	if roles := updated.GetRoles(); len(roles) != 1 || roles[0].RoleName != "readWrite" {
		t.Fatalf("roles changed by a PATCH that did not send them: %+v", roles)
	}

	roles := admin.NewCloudDatabaseUser("admin", emu.ProjectID, "patched")
	roles.SetRoles([]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "reports", CollectionName: ptr("daily")}})
	updated, _, err = sdk.DatabaseUsersApi.UpdateDatabaseUser(ctx(t), emu.ProjectID, "admin", "patched", roles).Execute()
	must(t, err)
	if r := updated.GetRoles(); len(r) != 1 || r[0].GetCollectionName() != "daily" || updated.GetDescription() != "only the description" {
		t.Fatalf("after a roles-only PATCH: roles %+v, description %q", r, updated.GetDescription())
	}

	password := admin.NewCloudDatabaseUser("admin", emu.ProjectID, "patched")
	password.SetPassword("another-long-password")
	_, res, err = sdk.DatabaseUsersApi.UpdateDatabaseUser(ctx(t), emu.ProjectID, "admin", "patched", password).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	check := control(t, "POST", "check-password", map[string]any{"projectId": emu.ProjectID, "databaseName": "admin", "username": "patched", "password": "another-long-password"})
	if check["ok"] != true {
		t.Fatal("the new password does not authenticate")
	}
}

func TestDatabaseUserTemporary(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	late := scramUser("too-late")
	late.SetDeleteAfterDate(time.Now().Add(-time.Hour))
	_, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, late).Execute()
	expectAPIError(t, err, 400, "EXPIRATION_DATE_IN_PAST")

	far := scramUser("too-far")
	far.SetDeleteAfterDate(time.Now().Add(8 * 24 * time.Hour))
	_, _, err = sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, far).Execute()
	expectAPIError(t, err, 400, "EXPIRATION_DATE_EXCEEDS_MAX")

	u := scramUser("temp")
	u.SetDeleteAfterDate(time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second))
	created, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, u).Execute()
	must(t, err)
	if !created.HasDeleteAfterDate() {
		t.Fatal("deleteAfterDate not returned")
	}
	advanceClock(t, 49*3600)
	_, _, err = sdk.DatabaseUsersApi.GetDatabaseUser(ctx(t), emu.ProjectID, "admin", "temp").Execute()
	expectAPIError(t, err, 404, "USERNAME_NOT_FOUND")
}

// Error paths, decoded with admin.AsError / admin.IsErrorCode.
func TestDatabaseUserErrors(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	create := func(u *admin.CloudDatabaseUser) error {
		_, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, u).Execute()
		return err
	}
	must(t, create(scramUser("dup")))
	expectAPIError(t, create(scramUser("dup")), 409, "USER_ALREADY_EXISTS")

	common := scramUser("weak")
	common.SetPassword("password1")
	expectAPIError(t, create(common), 400, "COMMON_PASSWORD")

	external := admin.NewCloudDatabaseUser("admin", emu.ProjectID, "arn:aws:iam::123456789012:user/x")
	external.SetAwsIAMType("USER")
	external.SetRoles([]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "sales"}})
	expectAPIError(t, create(external), 400, "DATABASE_NAME_INVALID_EXTERNAL")

	scramOnExternal := scramUser("scram-ext")
	scramOnExternal.DatabaseName = "$external"
	expectAPIError(t, create(scramOnExternal), 400, "DATABASE_NAME_INVALID_ADMIN")

	two := admin.NewCloudDatabaseUser("$external", emu.ProjectID, "CN=two")
	two.SetX509Type("CUSTOMER")
	two.SetLdapAuthType("USER")
	two.SetRoles([]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "sales"}})
	expectAPIError(t, create(two), 400, "ATLAS_INVALID_AUTH_SETTINGS")

	dupRoles := scramUser("dup-roles", admin.DatabaseUserRole{RoleName: "read", DatabaseName: "a"}, admin.DatabaseUserRole{RoleName: "read", DatabaseName: "a"})
	expectAPIError(t, create(dupRoles), 400, "DUPLICATE_DATABASE_ROLES")

	_, _, err := sdk.DatabaseUsersApi.GetDatabaseUser(ctx(t), emu.ProjectID, "admin", "nobody").Execute()
	expectAPIError(t, err, 404, "USERNAME_NOT_FOUND")

	const otherProject = "0123456789abcdef01234567"
	_, _, err = sdk.DatabaseUsersApi.ListDatabaseUsers(ctx(t), otherProject).Execute()
	expectAPIError(t, err, 404, "GROUP_NOT_FOUND")

	changeAuth := admin.NewCloudDatabaseUser("admin", emu.ProjectID, "dup")
	changeAuth.SetLdapAuthType("GROUP")
	_, _, err = sdk.DatabaseUsersApi.UpdateDatabaseUser(ctx(t), emu.ProjectID, "admin", "dup", changeAuth).Execute()
	expectAPIError(t, err, 409, "AUTH_TYPE_CANNOT_BE_CHANGED")
}

// Roles Atlas refuses: custom roles live on admin, admin-only built-ins stay
// on admin, and a role that does not exist in the project is unknown.
func TestDatabaseUserRoleValidation(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	create := func(name string, role admin.DatabaseUserRole) error {
		_, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, scramUser(name, role)).Execute()
		return err
	}
	expectAPIError(t, create("any-db", admin.DatabaseUserRole{RoleName: "readAnyDatabase", DatabaseName: "sales"}), 400, "ATLAS_INVALID_ROLE_DATABASE")
	expectAPIError(t, create("made-up", admin.DatabaseUserRole{RoleName: "notARole", DatabaseName: "admin"}), 400, "ATLAS_INVALID_ROLE")
	expectAPIError(t, create("custom-off-admin", admin.DatabaseUserRole{RoleName: "myCustomRole", DatabaseName: "sales"}), 400, "ATLAS_INVALID_ROLE")
	for i, role := range []admin.DatabaseUserRole{
		{RoleName: "atlasAdmin", DatabaseName: "admin"},
		{RoleName: "readWriteAnyDatabase", DatabaseName: "admin"},
		{RoleName: "dbAdmin", DatabaseName: "sales"},
		{RoleName: "readWrite", DatabaseName: "sales", CollectionName: ptr("orders")},
	} {
		must(t, create("ok-"+string(rune('a'+i)), role))
	}
	// A PATCH is held to the same rules.
	patch := admin.NewCloudDatabaseUser("admin", emu.ProjectID, "ok-a")
	patch.SetRoles([]admin.DatabaseUserRole{{RoleName: "backup", DatabaseName: "sales"}})
	_, _, err := sdk.DatabaseUsersApi.UpdateDatabaseUser(ctx(t), emu.ProjectID, "admin", "ok-a", patch).Execute()
	expectAPIError(t, err, 400, "ATLAS_INVALID_ROLE_DATABASE")
}
