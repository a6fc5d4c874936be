package conformance

import (
	"crypto/x509"
	"encoding/pem"
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312006/admin"
)

// The SDK's managed X.509 calls: the POST answer is the PEM as a string (the
// certificate, subject CN=<username>, then its key), the list carries its
// serial number and expiry, and the emulator clock ends it.
func TestUserCertificates(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	u := admin.NewCloudDatabaseUser("$external", emu.ProjectID, "etl")
	u.SetX509Type("MANAGED")
	u.SetRoles([]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "reports"}})
	_, _, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, u).Execute()
	must(t, err)

	req := admin.NewUserCert()
	req.SetMonthsUntilExpiration(2)
	text, res, err := sdk.X509AuthenticationApi.CreateDatabaseUserCertificate(ctx(t), emu.ProjectID, "etl", req).Execute()
	must(t, err)
	expectStatus(t, res, 201)
	block, rest := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("the answer does not start with a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	must(t, err)
	if cert.Subject.CommonName != "etl" {
		t.Fatalf("subject %q, want CN=etl", cert.Subject.String())
	}
	if key, _ := pem.Decode(rest); key == nil || key.Type != "PRIVATE KEY" {
		t.Fatal("no private key after the certificate")
	}

	list, _, err := sdk.X509AuthenticationApi.ListDatabaseUserCertificates(ctx(t), emu.ProjectID, "etl").Execute()
	must(t, err)
	results := list.GetResults()
	if len(results) != 1 || results[0].GetId() != cert.SerialNumber.Int64() || !results[0].GetNotAfter().Equal(cert.NotAfter) {
		t.Fatalf("listed %+v, issued serial %v ending %v", results, cert.SerialNumber, cert.NotAfter)
	}

	advanceClock(t, 63*24*3600)
	sdk = digestSDK(t)
	list, _, err = sdk.X509AuthenticationApi.ListDatabaseUserCertificates(ctx(t), emu.ProjectID, "etl").Execute()
	must(t, err)
	if len(list.GetResults()) != 0 {
		t.Fatalf("an expired certificate is still listed: %+v", list.GetResults())
	}

	scram := scramUser("scram")
	_, _, err = sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, scram).Execute()
	must(t, err)
	_, _, err = sdk.X509AuthenticationApi.CreateDatabaseUserCertificate(ctx(t), emu.ProjectID, "scram", admin.NewUserCert()).Execute()
	expectAPIError(t, err, 400, "ATLAS_INVALID_AUTH_SETTINGS")
}
