package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles the command into a temporary directory, as a user would run it.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: the command cannot be built")
	}
	bin := filepath.Join(t.TempDir(), "llm-mock")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitExit waits for the process and returns its exit code, failing the test after timeout.
func waitExit(t *testing.T, cmd *exec.Cmd, timeout time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("llm-mock did not exit within %v", timeout)
		return -1
	}
}

func TestServesAndStopsOnSIGTERM(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGTERM is not deliverable on windows")
	}
	bin := buildBinary(t)
	const token = "cmd-test-token"
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--token", token)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var root string
	select {
	case root = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatalf("no URL on stdout; stderr: %s", stderr.String())
	}
	u, err := url.Parse(root)
	if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Port() == "0" || u.Path != "" {
		t.Fatalf("first stdout line %q is not the root URL with the chosen port", root)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(root + "/_mock/requests")
	if err != nil {
		t.Fatalf("GET /_mock/requests: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_mock/requests: %d %s", resp.StatusCode, body)
	}

	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/api/v1/llm-providers", token, http.StatusOK},
		{"/ai/llm", token, http.StatusOK},
		{"/api/llm-gateway/admin/providers", token, http.StatusOK},
		{"/api/providers/", token, http.StatusOK},
		{"/ai/llm", "wrong", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest(http.MethodGet, root+tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+tc.token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s with token %q: %d %s, want %d", tc.path, tc.token, resp.StatusCode, body, tc.want)
		}
	}

	resp, err = client.Get(root + "/_mock/requests")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"/api/providers/"`) || !strings.Contains(string(body), `"barndoor"`) {
		t.Errorf("journal does not show the platform requests: %s", body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := waitExit(t, cmd, 15*time.Second)
	exited = true
	if code != 0 {
		t.Fatalf("llm-mock exited %d after SIGTERM; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), root+"/api/llm-gateway") {
		t.Errorf("stderr does not list the endpoints: %s", stderr.String())
	}
	if _, err := client.Get(root + "/_mock/requests"); err == nil {
		t.Error("the server still answers after exiting")
	}
}

func TestMissingTokenExits2(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 15*time.Second); code != 2 {
		t.Fatalf("exit code %d without --token, want 2", code)
	}
	if !strings.Contains(stderr.String(), "--token") {
		t.Errorf("stderr does not say what is missing: %q", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout holds %q; scripts read a URL from it", stdout.String())
	}
}

// syncBuffer is a bytes.Buffer the test may read while the process still writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startMock runs the binary with args and returns the root URL from its first stdout line and
// its stderr; the process is killed when the test ends.
func startMock(t *testing.T, bin string, args ...string) (string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case root := <-lines:
		if u, err := url.Parse(root); err != nil || u.Scheme != "http" || u.Path != "" {
			t.Fatalf("first stdout line %q is not the root URL", root)
		}
		return root, stderr
	case <-time.After(30 * time.Second):
		t.Fatal("no URL on stdout")
		return "", nil
	}
}

func TestClientCredentialsTokenTTL(t *testing.T) {
	bin := buildBinary(t)
	// No --token: the issued tokens are the only way in.
	root, stderr := startMock(t, bin, "--listen", "127.0.0.1:0", "--client-id", "ci", "--client-secret", "ci-secret",
		"--token-ttl", "3s")
	client := &http.Client{Timeout: 10 * time.Second}

	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"ci"}, "client_secret": {"ci-secret"}}
	resp, err := client.PostForm(root+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || answer.AccessToken == "" || answer.TokenType != "Bearer" || answer.ExpiresIn != 3 {
		t.Fatalf("token answer: %d %+v %v", resp.StatusCode, answer, err)
	}

	req, _ := http.NewRequest(http.MethodGet, root+"/api/llm-gateway/admin/providers", nil)
	req.Header.Set("Authorization", "Bearer "+answer.AccessToken)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET with the issued token: %d", resp.StatusCode)
	}
	if !strings.Contains(stderr.String(), root+"/oauth/token") {
		t.Errorf("stderr does not name the token endpoint: %s", stderr.String())
	}

	resp, err = client.Get(root + "/_mock/requests")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "ci-secret") || strings.Contains(string(body), answer.AccessToken) {
		t.Errorf("the journal holds the secret or the token: %s", body)
	}
	if !strings.Contains(string(body), `"/oauth/token"`) {
		t.Errorf("the journal misses the token request: %s", body)
	}
}

func TestBadFlagsExit2(t *testing.T) {
	bin := buildBinary(t)
	for _, args := range [][]string{
		{"--client-id", "ci"},
		{"--token", "t", "--client-secret", "s"},
		{"--client-id", "ci", "--client-secret", "s", "--token-ttl", "500ms"},
		{"--token", "t", "--latency", "-1s"},
		{"--token", "t", "--latency", "soon"},
	} {
		cmd := exec.Command(bin, append([]string{"--listen", "127.0.0.1:0"}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if code := waitExit(t, cmd, 15*time.Second); code != 2 {
			t.Errorf("%v: exit code %d, want 2", args, code)
		}
		if stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%v: stdout %q, stderr %q", args, stdout.String(), stderr.String())
		}
	}
}

// TestLatencyFlag: --latency delays platform requests and spares the control endpoints. An hour
// of latency is beyond any client's patience, so the platform request cannot answer at all,
// while the control endpoint answers at once; nothing is timed.
func TestLatencyFlag(t *testing.T) {
	bin := buildBinary(t)
	root, _ := startMock(t, bin, "--listen", "127.0.0.1:0", "--token", "t", "--latency", "1h")
	impatient := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodGet, root+"/api/llm-gateway/admin/providers", nil)
	req.Header.Set("Authorization", "Bearer t")
	if resp, err := impatient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a platform request under --latency 1h answered %d", resp.StatusCode)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(root + "/_mock/requests")
	if err != nil {
		t.Fatalf("a control endpoint under --latency 1h: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_mock/requests: %d", resp.StatusCode)
	}
}
