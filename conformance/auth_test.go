package conformance

import (
	"context"
	"net/http"
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312006/admin"
	"go.mongodb.org/atlas-sdk/v20250312006/auth"
	"go.mongodb.org/atlas-sdk/v20250312006/auth/clientcredentials"
)

// Service account: the SDK fetches a token at /api/oauth/token (client
// credentials, Basic auth) and sends it as a Bearer token.
func TestServiceAccountOAuth(t *testing.T) {
	reset(t)
	sdk := oauthSDK(t, emu.ClientID, emu.ClientSecret)
	_, res, err := sdk.DatabaseUsersApi.CreateDatabaseUser(ctx(t), emu.ProjectID, scramUser("via-oauth")).Execute()
	must(t, err)
	expectStatus(t, res, 201)
	list, _, err := sdk.DatabaseUsersApi.ListDatabaseUsers(ctx(t), emu.ProjectID).Execute()
	must(t, err)
	if len(list.GetResults()) != 1 {
		t.Fatalf("%d users listed, want 1", len(list.GetResults()))
	}

	bad := oauthSDK(t, emu.ClientID, "not-the-secret")
	_, _, err = bad.DatabaseUsersApi.ListDatabaseUsers(context.Background(), emu.ProjectID).Execute()
	if err == nil {
		t.Fatal("a wrong client secret was accepted")
	}
}

// API key: HTTP Digest through the SDK's transport; a wrong key gets 401.
func TestAPIKeyDigest(t *testing.T) {
	reset(t)
	sdk := digestSDK(t)
	_, res, err := sdk.DatabaseUsersApi.ListDatabaseUsers(ctx(t), emu.ProjectID).Execute()
	must(t, err)
	expectStatus(t, res, 200)

	wrong, err := admin.NewClient(admin.UseBaseURL(emu.BaseURL), admin.UseDigestAuth(emu.PublicKey, "wrong-private-key"))
	must(t, err)
	_, res, err = wrong.DatabaseUsersApi.ListDatabaseUsers(ctx(t), emu.ProjectID).Execute()
	if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong private key: want 401, got %v", err)
	}
}

// The SDK's own token calls: fetch a token, use it, revoke it; a revoked token is refused.
func TestServiceAccountTokenRevoke(t *testing.T) {
	reset(t)
	config := clientcredentials.NewConfig(emu.ClientID, emu.ClientSecret)
	config.TokenURL = emu.BaseURL + clientcredentials.TokenAPIPath
	config.RevokeURL = emu.BaseURL + clientcredentials.RevokeAPIPath
	token, err := config.Token(ctx(t))
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	if token.TokenType != "Bearer" || token.Expiry.IsZero() {
		t.Fatalf("token type %q, expiry %v", token.TokenType, token.Expiry)
	}
	withToken := func() *admin.APIClient {
		client, err := admin.NewClient(admin.UseBaseURL(emu.BaseURL), admin.UseHTTPClient(auth.NewClient(context.Background(), auth.ReuseTokenSource(token, nil))))
		must(t, err)
		return client
	}
	_, res, err := withToken().DatabaseUsersApi.ListDatabaseUsers(ctx(t), emu.ProjectID).Execute()
	must(t, err)
	expectStatus(t, res, 200)
	if err := config.RevokeToken(ctx(t), token); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	_, res, err = withToken().DatabaseUsersApi.ListDatabaseUsers(ctx(t), emu.ProjectID).Execute()
	if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a revoked token: want 401, got %v", err)
	}
}
