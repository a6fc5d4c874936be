package conformance

import (
	"testing"
)

// Cloud Manager `/api/public/v1.0` (seed 001): create with the seed's own
// example body, read back, no PATCH/DELETE; org invitations.
func TestCloudManagerUsers(t *testing.T) {
	reset(t)
	setFlavor(t, "cloud-manager")
	status, created := publicAPI(t, "POST", "/users", map[string]any{
		"username": "jane.doe@example.com", "emailAddress": "jane.doe@example.com",
		"firstName": "Jane", "lastName": "Doe", "password": "M0ng0D8!:)", "country": "US",
		"roles": []map[string]string{
			{"groupId": emu.ProjectID, "roleName": "GROUP_USER_ADMIN"},
			{"orgId": emu.OrgID, "roleName": "ORG_MEMBER"},
		},
	})
	if status != 201 {
		t.Fatalf("create: %d %v", status, created)
	}
	if roles, _ := created["roles"].([]any); len(roles) != 0 {
		t.Fatalf("roles before acceptance: %v", roles)
	}
	id, _ := created["id"].(string)
	if status, got := publicAPI(t, "GET", "/users/"+id, nil); status != 200 || got["username"] != "jane.doe@example.com" {
		t.Fatalf("get: %d %v", status, got)
	}
	if status, got := publicAPI(t, "GET", "/users/byName/jane.doe@example.com", nil); status != 200 || got["id"] != id {
		t.Fatalf("byName: %d %v", status, got)
	}
	if status, _ := publicAPI(t, "PATCH", "/users/"+id, map[string]any{"firstName": "J"}); status != 405 {
		t.Fatalf("PATCH on Cloud Manager: %d, want 405", status)
	}
	if status, _ := publicAPI(t, "DELETE", "/users/"+id, nil); status != 405 {
		t.Fatalf("DELETE on Cloud Manager: %d, want 405", status)
	}
	// Every project role of seed 001's request table, GROUP_ATLAS_ADMIN and GROUP_BILLING_ADMIN included.
	for i, role := range []string{"GROUP_ATLAS_ADMIN", "GROUP_AUTOMATION_ADMIN", "GROUP_BACKUP_ADMIN", "GROUP_MONITORING_ADMIN", "GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_USER_ADMIN", "GROUP_BILLING_ADMIN", "GROUP_DATA_ACCESS_ADMIN", "GROUP_DATA_ACCESS_READ_ONLY", "GROUP_DATA_ACCESS_READ_WRITE"} {
		status, body := publicAPI(t, "POST", "/users", newPublicUser(i, map[string]string{"groupId": emu.ProjectID, "roleName": role}))
		if status != 201 {
			t.Fatalf("%s: %d %v", role, status, body)
		}
	}
	for i, role := range []string{"ORG_MEMBER", "ORG_READ_ONLY", "ORG_BILLING_ADMIN", "ORG_GROUP_CREATOR", "ORG_OWNER"} {
		status, body := publicAPI(t, "POST", "/users", newPublicUser(100+i, map[string]string{"orgId": emu.OrgID, "roleName": role}))
		if status != 201 {
			t.Fatalf("%s: %d %v", role, status, body)
		}
	}
	if status, body := publicAPI(t, "POST", "/users", newPublicUser(200, map[string]string{"roleName": "GLOBAL_OWNER"})); status != 403 || body["errorCode"] != "CANNOT_ADD_GLOBAL_ROLE" {
		t.Fatalf("global role on Cloud Manager: %d %v", status, body)
	}
}

func newPublicUser(i int, role map[string]string) map[string]any {
	email := "user" + itoa(i) + "@example.com"
	return map[string]any{
		"username": email, "emailAddress": email, "firstName": "U", "lastName": itoa(i),
		"password": "a-long-enough-secret", "roles": []map[string]string{role},
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

// Ops Manager (seed 002): PATCH (names, email, mobile, roles; not the
// password or country) and DELETE; global roles; ORG_BILLING_ADMIN; neither
// GROUP_BILLING_ADMIN nor GROUP_ATLAS_ADMIN (Cloud Manager's table only).
func TestOpsManagerUsers(t *testing.T) {
	reset(t)
	setFlavor(t, "ops-manager")
	status, created := publicAPI(t, "POST", "/users", map[string]any{
		"username": "ops@example.com", "emailAddress": "ops@example.com", "firstName": "Op", "lastName": "Erator",
		"password": "a-long-enough-secret",
		"roles":    []map[string]string{{"roleName": "GLOBAL_READ_ONLY"}, {"orgId": emu.OrgID, "roleName": "ORG_BILLING_ADMIN"}},
	})
	if status != 201 {
		t.Fatalf("create: %d %v", status, created)
	}
	id, _ := created["id"].(string)
	status, patched := publicAPI(t, "PATCH", "/users/"+id, map[string]any{"firstName": "Opal", "mobileNumber": "+49 30 1234567"})
	if status != 200 || patched["firstName"] != "Opal" || patched["mobileNumber"] != "+49 30 1234567" {
		t.Fatalf("PATCH: %d %v", status, patched)
	}
	if status, body := publicAPI(t, "PATCH", "/users/"+id, map[string]any{"country": "DE"}); status != 400 || body["errorCode"] != "INVALID_ATTRIBUTE" {
		t.Fatalf("PATCH country: %d %v", status, body)
	}
	if status, body := publicAPI(t, "PATCH", "/users/"+id, map[string]any{"password": "another-long-secret"}); status != 400 || body["errorCode"] != "ATTRIBUTE_READ_ONLY" {
		t.Fatalf("PATCH password: %d %v", status, body)
	}
	if status, body := publicAPI(t, "POST", "/users", newPublicUser(1, map[string]string{"groupId": emu.ProjectID, "roleName": "GROUP_BILLING_ADMIN"})); status != 400 {
		t.Fatalf("GROUP_BILLING_ADMIN on Ops Manager: %d %v", status, body)
	}
	if status, body := publicAPI(t, "POST", "/users", newPublicUser(2, map[string]string{"groupId": emu.ProjectID, "roleName": "GROUP_ATLAS_ADMIN"})); status != 400 {
		t.Fatalf("GROUP_ATLAS_ADMIN on Ops Manager: %d %v", status, body)
	}
	if status, _ := publicAPI(t, "DELETE", "/users/"+id, nil); status != 200 {
		t.Fatalf("DELETE: %d", status)
	}
	if status, body := publicAPI(t, "GET", "/users/"+id, nil); status != 404 || body["errorCode"] != "USER_NOT_FOUND" {
		t.Fatalf("GET after DELETE: %d %v", status, body)
	}
}

// Org invitations on Cloud Manager (`/orgs/{orgId}/invites`) through their lifecycle.
func TestCloudManagerOrgInvitations(t *testing.T) {
	reset(t)
	setFlavor(t, "cloud-manager")
	base := "/orgs/" + emu.OrgID + "/invites"
	status, created := publicAPI(t, "POST", base, map[string]any{"username": "inv@example.com", "roles": []string{"ORG_MEMBER"}})
	if status != 201 {
		t.Fatalf("create: %d %v", status, created)
	}
	id, _ := created["id"].(string)
	if created["expiresAt"] == nil || created["orgId"] != emu.OrgID {
		t.Fatalf("created: %v", created)
	}
	if status, got := publicAPI(t, "GET", base+"/"+id, nil); status != 200 || got["username"] != "inv@example.com" {
		t.Fatalf("get: %d %v", status, got)
	}
	if status, list := publicAPIList(t, base+"?username=inv@example.com"); status != 200 || len(list) != 1 || list[0]["id"] != id {
		t.Fatalf("list by username: %d %v", status, list)
	}
	if status, got := publicAPI(t, "PATCH", base+"/"+id, map[string]any{"roles": []string{"ORG_READ_ONLY"}}); status != 200 {
		t.Fatalf("patch: %d %v", status, got)
	}
	if status, _ := publicAPI(t, "DELETE", base+"/"+id, nil); status != 204 && status != 200 {
		t.Fatalf("delete: %d", status)
	}
	if status, _ := publicAPI(t, "GET", base+"/"+id, nil); status != 404 {
		t.Fatalf("get after delete: %d", status)
	}
	// Accepted through the control API: the invitation is gone and the user is a member.
	_, again := publicAPI(t, "POST", base, map[string]any{"username": "acc@example.com", "roles": []string{"ORG_MEMBER"}})
	accID, _ := again["id"].(string)
	control(t, "POST", "orgs/"+emu.OrgID+"/users/"+accID+":accept", nil)
	if status, _ := publicAPI(t, "GET", base+"/"+accID, nil); status != 404 {
		t.Fatalf("an accepted invitation is still listed: %d", status)
	}
	status, members := publicAPI(t, "GET", "/orgs/"+emu.OrgID+"/users", nil)
	if status != 200 {
		t.Fatalf("org members: %d", status)
	}
	memberID := ""
	for _, m := range members["results"].([]any) {
		if m.(map[string]any)["username"] == "acc@example.com" {
			memberID, _ = m.(map[string]any)["id"].(string)
		}
	}
	if memberID == "" {
		t.Fatal("the accepted invitee is not an org member")
	}
	if status, _ := publicAPI(t, "DELETE", "/orgs/"+emu.OrgID+"/users/"+memberID, nil); status != 200 && status != 204 {
		t.Fatalf("remove the member: %d", status)
	}
	_, members = publicAPI(t, "GET", "/orgs/"+emu.OrgID+"/users", nil)
	for _, m := range members["results"].([]any) {
		if m.(map[string]any)["username"] == "acc@example.com" {
			t.Fatal("a removed member is still listed")
		}
	}
}
