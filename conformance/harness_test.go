package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
	"go.mongodb.org/atlas-sdk/v20250312006/admin"
	"go.mongodb.org/atlas/mongodbatlas"
)

// emulatorInfo is the first line the emulator prints on stdout.
type emulatorInfo struct {
	BaseURL      string `json:"baseUrl"`
	PublicKey    string `json:"publicKey"`
	PrivateKey   string `json:"privateKey"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	OrgID        string `json:"orgId"`
	ProjectID    string `json:"projectId"`
}

var emu emulatorInfo

func TestMain(m *testing.M) {
	stop, err := startEmulator()
	if err != nil {
		// Never print the info line: it carries the seeded credentials.
		fmt.Fprintf(os.Stderr, "conformance: cannot start the emulator: %v\n", err)
		os.Exit(2)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// startEmulator runs the emulator from the project root on a free port and
// returns a function that stops it (SIGTERM to its process group).
func startEmulator() (func(), error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	if os.Getenv("CONFORMANCE_PREBUILT") == "1" {
		cmd = exec.Command("node", "dist/emulator/main.js", "--port", "0")
	} else {
		cmd = exec.Command("npm", "run", "--silent", "emulator", "--", "--port", "0")
	}
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}
	lines := make(chan string, 1)
	reader := bufio.NewReader(out)
	go func() {
		// The build (npm run emulator) prints nothing on stdout with --silent;
		// the first JSON object line is the info line.
		for {
			line, err := reader.ReadString('\n')
			if strings.HasPrefix(strings.TrimSpace(line), "{") {
				lines <- line
				break
			}
			if err != nil {
				close(lines)
				return
			}
		}
		_, _ = io.Copy(io.Discard, reader) // request log lines
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			stop()
			return nil, fmt.Errorf("the emulator exited before printing its info line")
		}
		if err := json.Unmarshal([]byte(line), &emu); err != nil || emu.BaseURL == "" {
			stop()
			return nil, fmt.Errorf("the emulator's first line is not its info JSON")
		}
	case <-time.After(3 * time.Minute):
		stop()
		return nil, fmt.Errorf("no info line from the emulator within 3 minutes")
	}
	return stop, nil
}

// ---- control API (`/__emulator/...`) ----

func control(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, emu.BaseURL+"/__emulator/"+path, jsonBody(t, body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("control %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("control %s %s: %d %s", method, path, res.StatusCode, raw)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// jsonBody encodes a request body; nil means no body.
func jsonBody(t *testing.T, body any) io.Reader {
	t.Helper()
	if body == nil {
		return nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// reset puts the emulator back to its seed (and Cloud Manager flavour).
func reset(t *testing.T) {
	t.Helper()
	control(t, "POST", "reset", nil)
}

func advanceClock(t *testing.T, seconds int) {
	t.Helper()
	control(t, "POST", "clock", map[string]any{"advanceSeconds": seconds})
}

func setFlavor(t *testing.T, flavor string) {
	t.Helper()
	control(t, "POST", "settings", map[string]any{"publicApiFlavor": flavor})
}

// ---- clients ----

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// digestSDK is the v2 SDK authenticated with the seeded API key (HTTP Digest).
func digestSDK(t *testing.T) *admin.APIClient {
	t.Helper()
	client, err := admin.NewClient(admin.UseBaseURL(emu.BaseURL), admin.UseDigestAuth(emu.PublicKey, emu.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// oauthSDK is the v2 SDK authenticated as the seeded service account (OAuth client credentials).
func oauthSDK(t *testing.T, clientID, clientSecret string) *admin.APIClient {
	t.Helper()
	client, err := admin.NewClient(admin.UseBaseURL(emu.BaseURL), admin.UseOAuthAuth(context.Background(), clientID, clientSecret))
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// v1Client is the v1.0 client (`mongodbatlas`) with Digest.
func v1Client(t *testing.T) *mongodbatlas.Client {
	t.Helper()
	transport := digest.NewTransport(emu.PublicKey, emu.PrivateKey)
	hc, err := transport.Client()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mongodbatlas.New(hc, mongodbatlas.SetBaseURL(emu.BaseURL+"/"))
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// publicAPI calls Cloud Manager / Ops Manager `/api/public/v1.0` with plain
// net/http and Digest (MongoDB serves no Go client for it). It returns the
// status and the decoded JSON object (nil when there is no body).
func publicAPI(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	status, raw := publicAPIRaw(t, method, path, body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %d, body is not a JSON object: %s", method, path, status, raw)
		}
	}
	return status, out
}

func publicAPIRaw(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	transport := digest.NewTransport(emu.PublicKey, emu.PrivateKey)
	hc, err := transport.Client()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx(t), method, emu.BaseURL+"/api/public/v1.0"+path, jsonBody(t, body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// publicAPIList is publicAPI for the endpoints that answer a plain JSON array (v1.0 invitation lists).
func publicAPIList(t *testing.T, path string) (int, []map[string]any) {
	t.Helper()
	status, raw := publicAPIRaw(t, "GET", path, nil)
	var out []map[string]any
	if status == 200 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("GET %s: the body is not a JSON array: %s", path, raw)
		}
	}
	return status, out
}

// ---- assertions ----

// expectAPIError decodes an SDK error with the SDK's own helper and checks status and code.
func expectAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected %d %s, got success", status, code)
	}
	apiErr, ok := admin.AsError(err)
	if !ok {
		t.Fatalf("expected an Atlas API error %d %s, got %v", status, code, err)
	}
	if apiErr.GetError() != status || !admin.IsErrorCode(err, code) {
		t.Fatalf("expected %d %s, got %d %s (%s)", status, code, apiErr.GetError(), apiErr.GetErrorCode(), apiErr.GetDetail())
	}
}

// expectAPIStatus is for errors whose code MongoDB does not document.
func expectAPIStatus(t *testing.T, err error, status int) {
	t.Helper()
	apiErr, ok := admin.AsError(err)
	if !ok || apiErr.GetError() != status {
		t.Fatalf("expected an Atlas API error %d, got %v", status, err)
	}
}

func expectStatus(t *testing.T, res *http.Response, status int) {
	t.Helper()
	if res == nil {
		t.Fatalf("expected HTTP %d, got no response", status)
	}
	if res.StatusCode != status {
		t.Fatalf("expected HTTP %d, got %d", status, res.StatusCode)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		if apiErr, ok := admin.AsError(err); ok {
			t.Fatalf("unexpected %d %s: %s", apiErr.GetError(), apiErr.GetErrorCode(), apiErr.GetDetail())
		}
		t.Fatalf("unexpected error: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
