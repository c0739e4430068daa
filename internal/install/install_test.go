//go:build unix

// Package install tests `make install` as a user runs it: in a fresh HOME with no CLI configuration and
// no dev_overrides, `make install` puts the Terraform provider in the local filesystem mirror, and a
// configuration that says only `source = "llmconfig/llm"` then runs init (which writes the lock file),
// plan and apply against the mock platform, with each Terraform and OpenTofu that make test provides.
package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
)

const (
	namespace = "llmconfig"
	typeName  = "llm"
	binary    = "terraform-provider-llm"
)

// registryHosts are the hosts `source = "llmconfig/llm"` means to Terraform and to OpenTofu.
var registryHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// releaseVersion is a semantic version without a pre-release part: Terraform and OpenTofu select a
// pre-release only for an exact version constraint, which the configuration under test does not have.
var releaseVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(\+[0-9A-Za-z.-]+)?$`)

// cli is one Terraform or OpenTofu binary to run the configuration with.
type cli struct {
	name string // subtest name
	path string // empty: missing, see missing
	host string // the registry host its lock file names
	// missing says why there is no binary; the subtest skips with it, or fails when CI is set.
	missing string
}

func TestAccMakeInstall(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the install test runs with TF_ACC=1, like the acceptance tests (make test sets it)")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is not on PATH: %v", err)
	}
	root := repoRoot(t)
	clis := testCLIs(t)
	home := t.TempDir()
	env := isolatedEnv(t, home)
	mirror := filepath.Join(home, ".terraform.d", "plugins")
	target := runtime.GOOS + "_" + runtime.GOARCH

	// An earlier development build: make install must replace it, or Terraform could choose it.
	stale := "0.0.1+dev.1.g0000000"
	for _, host := range registryHosts {
		dir := filepath.Join(mirror, host, namespace, typeName, stale, target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, binary+"_v"+stale), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	out := run(t, root, env, 10*time.Minute, "make", "--no-print-directory", "install")
	t.Logf("make install (%s):\n%s", time.Since(start).Round(time.Millisecond), out)
	version := installedVersion(t, mirror, target)
	if !releaseVersion.MatchString(version) {
		t.Fatalf("make install used version %q: want X.Y.Z with optional +build metadata and no pre-release", version)
	}

	t.Run("plugin_dir", func(t *testing.T) {
		// PLUGIN_DIR and VERSION given on the command line.
		other := t.TempDir()
		run(t, root, env, 5*time.Minute, "make", "--no-print-directory", "install", "PLUGIN_DIR="+other, "VERSION=1.2.3")
		if got := installedVersion(t, other, target); got != "1.2.3" {
			t.Errorf("make install VERSION=1.2.3 installed %q", got)
		}
	})

	token := "install-test-token"
	mock := httptest.NewServer(mockserver.New(token))
	t.Cleanup(mock.Close)

	for _, c := range clis {
		t.Run(c.name, func(t *testing.T) {
			if c.path == "" {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s; CI must run this test with it", c.missing)
				}
				t.Skip(c.missing)
			}
			t.Parallel()
			applyWithCLI(t, c, env, mock.URL, token, version)
		})
	}
}

// applyWithCLI runs init, plan, apply, plan and destroy in a new directory, as a user would.
func applyWithCLI(t *testing.T, c cli, env []string, mockURL, token, version string) {
	dir := t.TempDir()
	id := "install-" + c.name
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    llm = { source = "llmconfig/llm" }
  }
}

provider "llm" {
  platform = "keywordsai"
  endpoint = %q
  # token from LLM_TOKEN
}

resource "llm_provider" "this" {
  provider_id = %q
  name        = "Installed with make install (%s)"
  api_key     = "sk-install-test"
}
`, mockURL, id, c.name)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(env, "LLM_TOKEN="+token)
	tf := func(wantCode int, args ...string) string {
		t.Helper()
		return runCode(t, dir, env, 5*time.Minute, wantCode, c.path, args...)
	}

	out := tf(0, "init", "-input=false", "-no-color")
	want := fmt.Sprintf("Installed %s/%s v%s", namespace, typeName, version)
	if !strings.Contains(out, want) {
		t.Errorf("init output lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, "development overrides") {
		t.Errorf("init used dev_overrides:\n%s", out)
	}
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatalf("init wrote no lock file: %v\n%s", err, out)
	}
	lockPattern := regexp.MustCompile(`(?s)provider "` + regexp.QuoteMeta(c.host+"/"+namespace+"/"+typeName) +
		`" \{\s*version\s*=\s*"` + regexp.QuoteMeta(version) + `".*"h1:`)
	if !lockPattern.Match(lock) {
		t.Errorf("lock file does not pin %s/%s/%s %s with an h1: hash:\n%s", c.host, namespace, typeName, version, lock)
	}

	tf(2, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan")
	out = tf(0, "apply", "-input=false", "-no-color", "-auto-approve", "tfplan")
	if !strings.Contains(out, "Apply complete! Resources: 1 added") {
		t.Errorf("apply did not add the record:\n%s", out)
	}
	if code := recordStatus(t, mockURL, token, id); code != http.StatusOK {
		t.Errorf("after apply, the platform answers %d for provider %s, want 200", code, id)
	}
	tf(0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	tf(0, "destroy", "-input=false", "-no-color", "-auto-approve")
	if code := recordStatus(t, mockURL, token, id); code != http.StatusNotFound {
		t.Errorf("after destroy, the platform answers %d for provider %s, want 404", code, id)
	}
}

// recordStatus asks the mock's keywordsai API for one custom provider.
func recordStatus(t *testing.T, mockURL, token, id string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, mockURL+"/api/providers/"+id+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("asking the mock for %s: %v", id, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// installedVersion checks the mirror layout under both registry hosts and returns the one version there.
func installedVersion(t *testing.T, mirror, target string) string {
	t.Helper()
	var version string
	for _, host := range registryHosts {
		base := filepath.Join(mirror, host, namespace, typeName)
		entries, err := os.ReadDir(base)
		if err != nil {
			t.Fatalf("make install left nothing for %s: %v", host, err)
		}
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Fatalf("%s holds versions %v, want exactly the new one", base, names)
		}
		v := entries[0].Name()
		if version != "" && v != version {
			t.Fatalf("versions differ between hosts: %s and %s", version, v)
		}
		version = v
		exe := filepath.Join(base, v, target, binary+"_v"+v)
		info, err := os.Stat(exe)
		if err != nil {
			t.Fatalf("make install did not place the binary as the mirror layout wants: %v", err)
		}
		if info.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", exe)
		}
		data, err := os.ReadFile(exe)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(v)) {
			t.Errorf("%s does not hold its version %s (-X main.version)", exe, v)
		}
	}
	return version
}

// testCLIs lists the binaries make test provides: LLM_TEST_TERRAFORM_OLDEST, LLM_TEST_TERRAFORM_NEWEST
// and LLM_TEST_TOFU; without the Terraform ones, TF_ACC_TERRAFORM_PATH or terraform on PATH.
func testCLIs(t *testing.T) []cli {
	t.Helper()
	var clis []cli
	seen := map[string]bool{}
	add := func(name, path, host string) {
		if seen[path] {
			return
		}
		seen[path] = true
		clis = append(clis, cli{name: name, path: path, host: host})
	}
	oldest, newest := os.Getenv("LLM_TEST_TERRAFORM_OLDEST"), os.Getenv("LLM_TEST_TERRAFORM_NEWEST")
	if oldest != "" {
		add("terraform-oldest", oldest, registryHosts[0])
	}
	if newest != "" {
		add("terraform-newest", newest, registryHosts[0])
	}
	if oldest == "" && newest == "" {
		path := os.Getenv("TF_ACC_TERRAFORM_PATH")
		if path == "" {
			var err error
			if path, err = exec.LookPath("terraform"); err != nil {
				t.Fatalf("no Terraform: set LLM_TEST_TERRAFORM_NEWEST or TF_ACC_TERRAFORM_PATH, or put terraform on PATH (make test does): %v", err)
			}
		}
		add("terraform", path, registryHosts[0])
	}
	if tofu := os.Getenv("LLM_TEST_TOFU"); tofu != "" {
		add("tofu", tofu, registryHosts[1])
	} else {
		clis = append(clis, cli{name: "tofu", host: registryHosts[1],
			missing: "LLM_TEST_TOFU is not set: OpenTofu not tested (make test sets it to the OpenTofu it provides)"})
	}
	for _, c := range clis {
		if c.path == "" {
			continue
		}
		if _, err := os.Stat(c.path); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
	return clis
}

// isolatedEnv is the environment of a user with a brand-new HOME: no CLI configuration file (so the
// implied local mirror directories apply), no TF_* or LLM_* settings, no XDG directories, no checkpoint
// calls. Go keeps the module and build caches it already has, so make install builds offline.
func isolatedEnv(t *testing.T, home string) []string {
	t.Helper()
	goVars := []string{"GOPATH", "GOMODCACHE", "GOCACHE", "GOENV"}
	out, err := exec.Command("go", append([]string{"env"}, goVars...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	values := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(values) != len(goVars) {
		t.Fatalf("go env printed %q", out)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "HOME", name == "CHECKPOINT_DISABLE":
			continue
		case strings.HasPrefix(name, "TF_"), strings.HasPrefix(name, "XDG_"), strings.HasPrefix(name, "LLM_"):
			continue
		case name == "MAKEFLAGS", name == "MFLAGS", name == "MAKELEVEL", name == "VERSION", name == "PLUGIN_DIR":
			continue // make install in the test is a top-level make, as a user types it
		}
		env = append(env, kv)
	}
	for i, name := range goVars {
		env = append(env, name+"="+values[i])
	}
	return append(env, "HOME="+home, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "install.sh")); err != nil {
		t.Fatalf("scripts/install.sh not found from %s: %v", root, err)
	}
	return root
}

func run(t *testing.T, dir string, env []string, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	return runCode(t, dir, env, timeout, 0, name, args...)
}

// runCode runs a command and fails the test unless it exits with wantCode; it returns the output.
func runCode(t *testing.T, dir string, env []string, timeout time.Duration, wantCode int, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Terraform stops its provider processes on an interrupt; kill only if it does not end.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	if code != wantCode {
		t.Fatalf("%s %s exited %d, want %d:\n%s", filepath.Base(name), strings.Join(args, " "), code, wantCode, out.String())
	}
	return out.String()
}
