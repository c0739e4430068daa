package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles the command into a temporary directory, as a user would run it.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
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
