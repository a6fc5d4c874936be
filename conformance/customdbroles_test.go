package conformance

import (
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312006/admin"
)

func namespace(db, collection string) admin.DatabasePermittedNamespaceResource {
	return admin.DatabasePermittedNamespaceResource{Db: db, Collection: collection}
}

// The SDK's custom-role calls: create (202), get, list, update, delete; the SDK
// always sends cluster, db and collection, as the spec requires.
func TestCustomDbRoleLifecycle(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	role := admin.NewUserCustomDBRole("reportReader")
	role.SetActions([]admin.DatabasePrivilegeAction{
		{Action: "FIND", Resources: &[]admin.DatabasePermittedNamespaceResource{namespace("reports", "")}},
		{Action: "LIST_DATABASES", Resources: &[]admin.DatabasePermittedNamespaceResource{{Cluster: true}}},
	})
	role.SetInheritedRoles([]admin.DatabaseInheritedRole{{Role: "read", Db: "audit"}})
	created, res, err := sdk.CustomDatabaseRolesApi.CreateCustomDatabaseRole(ctx(t), emu.ProjectID, role).Execute()
	must(t, err)
	expectStatus(t, res, 202)
	if created.RoleName != "reportReader" || len(created.GetActions()) != 2 || len(created.GetInheritedRoles()) != 1 {
		t.Fatalf("created %+v", created)
	}

	got, _, err := sdk.CustomDatabaseRolesApi.GetCustomDatabaseRole(ctx(t), emu.ProjectID, "reportReader").Execute()
	must(t, err)
	if a := got.GetActions(); a[1].Action != "LIST_DATABASES" || !(*a[1].Resources)[0].Cluster {
		t.Fatalf("got actions %+v", a)
	}
	list, _, err := sdk.CustomDatabaseRolesApi.ListCustomDatabaseRoles(ctx(t), emu.ProjectID).Execute()
	must(t, err)
	if len(list) != 1 || list[0].RoleName != "reportReader" {
		t.Fatalf("list %+v", list)
	}

	update := admin.NewUpdateCustomDBRole()
	update.SetActions([]admin.DatabasePrivilegeAction{{Action: "FIND", Resources: &[]admin.DatabasePermittedNamespaceResource{namespace("reports", "daily")}}})
	updated, res, err := sdk.CustomDatabaseRolesApi.UpdateCustomDatabaseRole(ctx(t), emu.ProjectID, "reportReader", update).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	if a := updated.GetActions(); len(a) != 1 || (*a[0].Resources)[0].Collection != "daily" || len(updated.GetInheritedRoles()) != 1 {
		t.Fatalf("after a PATCH of actions only: %+v", updated)
	}

	res, err = sdk.CustomDatabaseRolesApi.DeleteCustomDatabaseRole(ctx(t), emu.ProjectID, "reportReader").Execute()
	must(t, err)
	expectStatus(t, res, 204)
	_, _, err = sdk.CustomDatabaseRolesApi.GetCustomDatabaseRole(ctx(t), emu.ProjectID, "reportReader").Execute()
	expectAPIError(t, err, 404, "ATLAS_CUSTOM_ROLE_NOT_FOUND")
}

// Atlas's answers a client branches on: a name taken, a role held by a user.
func TestCustomDbRoleErrors(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	role := admin.NewUserCustomDBRole("appRole")
	role.SetActions([]admin.DatabasePrivilegeAction{{Action: "FIND", Resources: &[]admin.DatabasePermittedNamespaceResource{namespace("app", "")}}})

	early := scramUser("early", admin.DatabaseUserRole{RoleName: "appRole", DatabaseName: "admin"})
	_, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, early).Execute()
	expectAPIError(t, err, 400, "ATLAS_INVALID_ROLE")

	_, _, err = sdk.CustomDatabaseRolesApi.CreateCustomDatabaseRole(ctx(t), emu.ProjectID, role).Execute()
	must(t, err)
	_, _, err = sdk.CustomDatabaseRolesApi.CreateCustomDatabaseRole(ctx(t), emu.ProjectID, role).Execute()
	expectAPIError(t, err, 409, "ATLAS_CUSTOM_ROLE_NAME_ALREADY_EXISTS")

	wrong := admin.NewUserCustomDBRole("wrongResource")
	wrong.SetActions([]admin.DatabasePrivilegeAction{{Action: "SERVER_STATUS", Resources: &[]admin.DatabasePermittedNamespaceResource{namespace("app", "")}}})
	_, _, err = sdk.CustomDatabaseRolesApi.CreateCustomDatabaseRole(ctx(t), emu.ProjectID, wrong).Execute()
	expectAPIError(t, err, 400, "ATLAS_INVALID_RESOURCE")

	elsewhere := scramUser("elsewhere", admin.DatabaseUserRole{RoleName: "appRole", DatabaseName: "app"})
	_, _, err = sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, elsewhere).Execute()
	expectAPIError(t, err, 400, "UNSUPPORTED_ROLE")

	holder := scramUser("holder", admin.DatabaseUserRole{RoleName: "appRole", DatabaseName: "admin"})
	_, _, err = sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, holder).Execute()
	must(t, err)
	_, err = sdk.CustomDatabaseRolesApi.DeleteCustomDatabaseRole(ctx(t), emu.ProjectID, "appRole").Execute()
	expectAPIError(t, err, 409, "ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS")
}
