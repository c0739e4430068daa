//go:build unix

// Package demo tests `make demo` (scripts/demo.sh) end to end: it runs the script as a user would and
// checks what it shows and that it leaves no process and no temporary file behind.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintf(os.Stderr, "demo tests: become the subreaper of the demo's processes: %v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// demoRun is one run of scripts/demo.sh in its own process group, with its own TMPDIR.
type demoRun struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	tmpDir string
	err    error
	done   chan struct{}
}

// syncBuffer collects the script's output while the test reads it, and tells a waiting reader when more
// has arrived, so the test waits for output rather than polling for it.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // Closed, and replaced, on each write.
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{written: make(chan struct{})} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.written)
	b.written = make(chan struct{})
	return b.buf.Write(p)
}

// snapshot returns what was written so far and a channel closed at the next write.
func (b *syncBuffer) snapshot() (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String(), b.written
}

func (b *syncBuffer) String() string {
	s, _ := b.snapshot()
	return s
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "demo.sh")); err != nil {
		t.Fatalf("scripts/demo.sh not found from %s: %v", root, err)
	}
	return root
}

// startDemo runs `bash scripts/demo.sh` from the repository root. The script gets a process group of its
// own, as a terminal gives a foreground job, so the test can deliver a Ctrl-C to all of it.
func startDemo(t *testing.T, extraEnv ...string) *demoRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the demo test runs with TF_ACC=1, like the acceptance tests (make test sets it)")
	}
	root := repoRoot(t)
	ctx := context.Background()
	timeout := 15 * time.Minute
	if deadline, ok := t.Deadline(); ok {
		timeout = time.Until(deadline) - 30*time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)

	// A test process started with SIGINT ignored would pass that on, and bash cannot trap a signal it
	// starts with ignored. Handling SIGINT here makes the child start with the default action; a Ctrl-C
	// on the test is passed on to the demo, which then cleans up after itself.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)

	run := &demoRun{out: newSyncBuffer(), tmpDir: t.TempDir(), done: make(chan struct{})}
	cmd := exec.CommandContext(ctx, "bash", "scripts/demo.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TMPDIR="+run.tmpDir)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stdout = run.out
	cmd.Stderr = run.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// On timeout, interrupt like a user would, so the script still cleans up; kill only if it hangs.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	run.cmd = cmd
	if err := cmd.Start(); err != nil {
		signal.Stop(interrupts)
		t.Fatalf("start scripts/demo.sh: %v", err)
	}
	go func() {
		for {
			select {
			case <-interrupts:
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			case <-run.done:
				return
			}
		}
	}()
	go func() {
		run.err = cmd.Wait()
		signal.Stop(interrupts)
		close(run.done)
	}()
	return run
}

// wait returns the script's exit code once it has ended.
func (r *demoRun) wait(t *testing.T) int {
	t.Helper()
	<-r.done
	var exitErr *exec.ExitError
	switch {
	case r.err == nil:
		return 0
	case errors.As(r.err, &exitErr):
		return exitErr.ExitCode()
	default:
		t.Fatalf("scripts/demo.sh: %v\n%s", r.err, r.out.String())
		return -1
	}
}

// waitForOutput waits until the script has printed substr, and fails the test if it ends first.
func (r *demoRun) waitForOutput(t *testing.T, substr string) {
	t.Helper()
	for {
		out, more := r.out.snapshot()
		if strings.Contains(out, substr) {
			return
		}
		select {
		case <-more:
		case <-r.done:
			if out = r.out.String(); !strings.Contains(out, substr) {
				t.Fatalf("scripts/demo.sh ended before printing %q:\n%s", substr, out)
			}
			return
		}
	}
}

var workdirLine = regexp.MustCompile(`(?m)^demo: workdir (\S+)$`)

// workdir is the temporary directory the script announced; it must lie in the TMPDIR the test gave it.
func (r *demoRun) workdir(t *testing.T) string {
	t.Helper()
	m := workdirLine.FindStringSubmatch(r.out.String())
	if m == nil {
		t.Fatalf("no 'demo: workdir ...' line in the output:\n%s", r.out.String())
	}
	if filepath.Dir(m[1]) != r.tmpDir {
		t.Fatalf("workdir %s is not in the TMPDIR %s the test gave the script", m[1], r.tmpDir)
	}
	return m[1]
}

// processesUsing lists the running processes whose command line mentions dir: the script builds
// llm-mock and the Terraform provider into its workdir and runs terraform with -chdir into it, so
// every process it starts matches.
func processesUsing(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	entries, err := os.ReadDir("/proc")
	if err != nil {
		// No /proc (macOS, BSD): ask ps.
		out, err := exec.Command("ps", "-ax", "-o", "pid=,command=").Output()
		if err != nil {
			t.Fatalf("list processes: %v", err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, dir) {
				found = append(found, strings.TrimSpace(line))
			}
		}
		return found
	}
	for _, e := range entries {
		if strings.Trim(e.Name(), "0123456789") != "" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue // The process ended while we looked.
		}
		cmdline := strings.TrimSpace(strings.ReplaceAll(string(raw), "\x00", " "))
		if strings.Contains(cmdline, dir) {
			found = append(found, e.Name()+" "+cmdline)
		}
	}
	return found
}

// assertNothingLeft checks that the script stopped everything it started and removed every temporary file.
func assertNothingLeft(t *testing.T, r *demoRun, workdir string) {
	t.Helper()
	out := r.out.String()
	if want := "demo: cleaned up: llm-mock stopped, " + workdir + " removed"; !strings.Contains(out, want) {
		t.Errorf("output lacks the cleanup line %q", want)
	}
	if _, err := os.Stat(workdir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("workdir %s still exists after the demo (stat: %v)", workdir, err)
	}
	// Everything the script and its tools create in TMPDIR (go build, plugin sockets) must be gone too.
	if left, err := os.ReadDir(r.tmpDir); err != nil {
		t.Errorf("read TMPDIR: %v", err)
	} else if len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("the demo left files in TMPDIR %s: %v", r.tmpDir, names)
	}
	// A process the script started may still be ending after its signal (a provider plugin whose
	// terraform exited first). The test is their subreaper, so it waits for each to exit rather than
	// polling; one that has not exited by the deadline is a leftover, reported and then killed.
	if left := awaitDescendants(30*time.Second, func() []string { return processesUsing(t, workdir) }); len(left) > 0 {
		t.Errorf("processes the demo started are still running:\n%s", strings.Join(left, "\n"))
	}
	root := repoRoot(t)
	for _, p := range []string{"demo/.terraform", "demo/terraform.tfstate", "demo/.terraform.lock.hcl", "demo/terraform.tfvars"} {
		if _, err := os.Stat(filepath.Join(root, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the demo wrote %s into the repository", p)
		}
	}
}

var updateLine = regexp.MustCompile(`(?m)^ +update request: barndoor received PUT /api/llm-gateway/admin/providers/[0-9a-f-]{36} (\{.*\})$`)

func TestDemo(t *testing.T) {
	run := startDemo(t)
	code := run.wait(t)
	out := run.out.String()
	t.Logf("scripts/demo.sh output:\n%s", out)
	if code != 0 {
		t.Fatalf("scripts/demo.sh exited %d, want 0", code)
	}
	workdir := run.workdir(t)

	for _, want := range []string{
		"==> 1/7 build", "==> 2/7 point Terraform at the local build", "==> 3/7 terraform apply",
		"==> 4/7 change one value", "==> 5/7 drift", "==> 6/7 terraform destroy", "==> 7/7 terraform query",
		"llm_provider.refactor_openai: Creation complete", "llm_provider.flashback_anthropic: Creation complete",
		"llm_provider.barndoor_openai: Creation complete", "llm_provider.keywordsai_groq: Creation complete",
		"Apply complete! Resources: 4 added, 0 changed, 0 destroyed.",
		"~ request_timeout_secs = 1800 -> 900",
		"Apply complete! Resources: 0 added, 1 changed, 0 destroyed.",
		"plan before: exit code 0 (no changes)",
		"plan after: exit code 2 (drift detected)",
		`~ name = "renamed-by-hand" -> "demo-openai"`,
		"Destroy complete! Resources: 4 destroyed.",
		"the platforms received 4 DELETE requests",
		"==> demo complete in ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	// The update the platform received holds the changed field and nothing else.
	m := updateLine.FindStringSubmatch(out)
	if m == nil {
		t.Errorf("no 'update request: barndoor received PUT ...' line in the output")
	} else {
		var body map[string]any
		if err := json.Unmarshal([]byte(m[1]), &body); err != nil {
			t.Errorf("update body %s is not a JSON object: %v", m[1], err)
		} else if want := map[string]any{"request_timeout_secs": float64(900)}; !reflect.DeepEqual(body, want) {
			t.Errorf("update body = %v, want only the changed field %v", body, want)
		}
	}
	checkQueryStep(t, out, queryTerraform(t, os.Getenv("TF_ACC_TERRAFORM_PATH"), os.Getenv("XDG_CACHE_HOME")) != "")
	assertNothingLeft(t, run, workdir)
}

// TestDemoInterrupted delivers a Ctrl-C while Terraform applies and checks the script still cleans up.
func TestDemoInterrupted(t *testing.T) {
	run := startDemo(t)
	run.waitForOutput(t, "==> 3/7")
	workdir := run.workdir(t)
	// The process scan must see what the demo runs, or its "nothing left" verdict below means nothing.
	if procs := processesUsing(t, workdir); !containsAny(procs, "llm-mock") {
		t.Errorf("the process scan does not see the running llm-mock: %v", procs)
	}
	if err := syscall.Kill(-run.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatalf("interrupt the demo: %v", err)
	}
	code := run.wait(t)
	out := run.out.String()
	t.Logf("scripts/demo.sh output:\n%s", out)
	if code != 130 {
		t.Errorf("interrupted scripts/demo.sh exited %d, want 130", code)
	}
	if !strings.Contains(out, "demo: interrupted in step 3/7") {
		t.Errorf("output lacks %q", "demo: interrupted in step 3/7")
	}
	assertNothingLeft(t, run, workdir)
}

// TestDemoFailure runs the demo with a terraform that always fails and checks the failure is reported
// and cleaned up.
func TestDemoFailure(t *testing.T) {
	failing, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false command on PATH")
	}
	run := startDemo(t, "TF_ACC_TERRAFORM_PATH="+failing)
	code := run.wait(t)
	out := run.out.String()
	t.Logf("scripts/demo.sh output:\n%s", out)
	if code != 1 {
		t.Errorf("scripts/demo.sh with a failing terraform exited %d, want 1", code)
	}
	if want := "demo: FAILED in step 3/7: terraform apply failed"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q", want)
	}
	if strings.Contains(out, "==> 4/7") {
		t.Errorf("the demo went on after a failed step")
	}
	assertNothingLeft(t, run, run.workdir(t))
}

func containsAny(lines []string, substr string) bool {
	for _, l := range lines {
		if strings.Contains(l, substr) {
			return true
		}
	}
	return false
}

// queryTerraform returns the Terraform >= 1.14 the demo's query step would use, or "": the one
// the demo runs (TF_ACC_TERRAFORM_PATH), the one on PATH, the one make test builds into the cache.
func queryTerraform(t *testing.T, demoTF, xdgCache string) string {
	t.Helper()
	if xdgCache == "" {
		home, _ := os.UserHomeDir()
		xdgCache = filepath.Join(home, ".cache")
	}
	onPath, _ := exec.LookPath("terraform")
	for _, c := range []string{demoTF, onPath, filepath.Join(xdgCache, "terraform-provider-llm", "cli", "terraform-1.16.3", "terraform")} {
		if c == "" {
			continue
		}
		out, err := exec.Command(c, "version", "-json").Output()
		if err != nil || strings.Contains(string(out), "OpenTofu") {
			continue
		}
		var v struct {
			TerraformVersion string `json:"terraform_version"`
		}
		var major, minor int
		if json.Unmarshal(out, &v) != nil {
			continue
		}
		if _, err := fmt.Sscanf(v.TerraformVersion, "%d.%d", &major, &minor); err == nil && (major > 1 || (major == 1 && minor >= 14)) {
			return c
		}
	}
	return ""
}

// checkQueryStep checks step 7: with a Terraform that has terraform query, the two records made
// by hand are listed, their configuration generated, and the plan only imports them; without
// one, a single line says why the step is skipped.
func checkQueryStep(t *testing.T, out string, available bool) {
	t.Helper()
	start := strings.Index(out, "==> 7/7")
	end := strings.Index(out, "demo: cleaned up")
	if start < 0 || end < start {
		t.Errorf("no step 7 before the cleanup line in the output")
		return
	}
	lines := strings.Split(strings.TrimSpace(out[start:end]), "\n")[1:]
	step := strings.Join(lines, "\n")
	if !available {
		if len(lines) != 1 || !strings.Contains(step, "skipped: terraform query needs Terraform >= 1.14") {
			t.Errorf("without a Terraform >= 1.14, step 7 should be one line saying why it is skipped, got:\n%s", step)
		}
		return
	}
	for _, want := range []string{
		"two barndoor records made by hand",
		"list.llm_provider.barndoor", "anthropic-by-hand", "mistral-by-hand",
		"wrote 2 resource and 2 import blocks",
		"Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.",
	} {
		if !strings.Contains(step, want) {
			t.Errorf("step 7 lacks %q:\n%s", want, step)
		}
	}
}

// TestDemoQuerySkipped runs the demo where no Terraform >= 1.14 is at hand and checks that the
// query step is skipped with one line, and that the demo builds no Terraform for it.
func TestDemoQuerySkipped(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the demo test runs with TF_ACC=1, like the acceptance tests (make test sets it)")
	}
	onPath, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform on PATH")
	}
	emptyCache := t.TempDir()
	if queryTerraform(t, onPath, emptyCache) != "" {
		t.Skipf("the terraform on PATH (%s) has terraform query, so the step cannot be skipped here", onPath)
	}
	// The demo's go build keeps its cache where it is; only the CLI cache moves to an empty place.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOCACHE: %v", err)
	}
	run := startDemo(t, "TF_ACC_TERRAFORM_PATH="+onPath, "XDG_CACHE_HOME="+emptyCache, "GOCACHE="+strings.TrimSpace(string(gocache)))
	code := run.wait(t)
	out := run.out.String()
	t.Logf("scripts/demo.sh output:\n%s", out)
	if code != 0 {
		t.Fatalf("scripts/demo.sh exited %d, want 0", code)
	}
	checkQueryStep(t, out, false)
	if entries, _ := os.ReadDir(emptyCache); len(entries) != 0 {
		t.Errorf("the demo wrote into the CLI cache %s (it must never build a Terraform): %v", emptyCache, entries)
	}
	assertNothingLeft(t, run, run.workdir(t))
}
