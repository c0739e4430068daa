//go:build unix

package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
)

// interruptedRecords is how many records the interrupted applies configure, how many creates the
// platform answers before it starts holding its answers, and how many held creates the test waits
// for before it interrupts terraform (the apply runs with -parallelism=4).
const (
	interruptedRecords  = 24
	answeredBeforeHold  = 10
	heldWhenInterrupted = 3
)

// cliRun is one terraform (or OpenTofu) working directory that runs the provider as a real plugin
// process, built from this module, against an in-process mock whose create answers can be held.
type cliRun struct {
	t       *testing.T
	tf, dir string
	env     []string
	mock    *httptest.Server
	srv     *mockserver.Server

	mu        sync.Mutex
	holding   bool // hold create answers after answeredBeforeHold of them
	postCount int
	held      chan struct{}
	release   chan struct{}
}

func newCLIRun(t *testing.T) *cliRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform: set TF_ACC_TERRAFORM_PATH")
		}
	}
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	_, file, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-llm"), ".")
	build.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/llmconfig/llm", plugins, "registry.opentofu.org/llmconfig/llm", plugins)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &cliRun{t: t, tf: tf, dir: filepath.Join(dir, "work"), held: make(chan struct{}, interruptedRecords), release: make(chan struct{})}
	r.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	r.srv = mockserver.New(testToken, mockserver.WithBeforeAnswer(r.beforeAnswer))
	r.mock = httptest.NewServer(r.srv)
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() { close(r.release) })
		r.mock.Close()
	})
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

// beforeAnswer holds every successful create answer after the first answeredBeforeHold while
// holding is on: the platform has made the record, and the provider does not know yet.
func (r *cliRun) beforeAnswer(e mockserver.Entry) {
	if e.Method != http.MethodPost || e.Status >= 300 {
		return
	}
	r.mu.Lock()
	r.postCount++
	hold := r.holding && r.postCount > answeredBeforeHold
	r.mu.Unlock()
	if hold {
		r.held <- struct{}{}
		<-r.release
	}
}

func (r *cliRun) writeConfig(extra string) {
	r.t.Helper()
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    llm = { source = "llmconfig/llm" }
  }
}
provider "llm" {
  platform = "barndoor"
  endpoint = %q
  token    = %q
}
resource "llm_provider" "many" {
  count          = %d
  name           = "bd-${count.index}"
  model_provider = "openai"
  base_url       = "https://api.openai.com"
  api_key        = "bd-key-${count.index}"
}
%s`, r.mock.URL+"/api/llm-gateway", testToken, interruptedRecords, extra)
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(cfg), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// start starts a terraform command in its own process group, so that it and its provider
// processes can be killed together, as when a CI runner vanishes.
func (r *cliRun) start(args ...string) (*exec.Cmd, *bytes.Buffer, chan error) {
	cmd := exec.Command(r.tf, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, &out, done
}

// run runs a terraform command to its end and returns its output and exit code.
func (r *cliRun) run(args ...string) (string, int) {
	r.t.Helper()
	_, out, done := r.start(args...)
	err := <-done
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		r.t.Fatalf("terraform %v: %v", args, err)
	}
	return out.String(), code
}

// interrupt applies with create answers held, and once heldWhenInterrupted creates are in flight
// (made on the platform, not yet answered), sends sig: to the whole process group for SIGKILL,
// to terraform alone for SIGINT (Ctrl-C, which terraform passes on to its providers).
func (r *cliRun) interrupt(sig syscall.Signal) string {
	r.t.Helper()
	r.mu.Lock()
	r.holding = true
	r.mu.Unlock()
	cmd, out, done := r.start("apply", "-auto-approve", "-no-color", "-parallelism=4")
	for range heldWhenInterrupted {
		select {
		case <-r.held:
		case err := <-done:
			r.t.Fatalf("terraform ended before %d creates were held: %v\n%s", heldWhenInterrupted, err, out)
		}
	}
	target := cmd.Process.Pid
	if sig == syscall.SIGKILL {
		target = -target
	}
	if err := syscall.Kill(target, sig); err != nil {
		r.t.Fatal(err)
	}
	<-done
	r.mu.Lock()
	r.holding = false
	r.mu.Unlock()
	return out.String()
}

// platformRecords lists the records on the mock platform: name to id.
func (r *cliRun) platformRecords() map[string]string {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.mock.URL+"/api/llm-gateway/admin/providers", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var items []struct{ ID, Name string }
	if err := json.Unmarshal(data, &items); err != nil {
		r.t.Fatalf("provider list: %v: %s", err, data)
	}
	out := map[string]string{}
	for _, it := range items {
		if _, dup := out[it.Name]; dup {
			r.t.Fatalf("the platform holds %q twice", it.Name)
		}
		out[it.Name] = it.ID
	}
	return out
}

// stateNames lists the names of the records in the local state file.
func (r *cliRun) stateNames() []string {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		r.t.Fatal(err)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		// OpenTofu killed mid-apply can leave the state file created but empty: no state.
		return nil
	}
	var st struct {
		Resources []struct {
			Instances []struct {
				Attributes struct{ Name string } `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		r.t.Fatalf("state: %v", err)
	}
	var names []string
	for _, res := range st.Resources {
		for _, in := range res.Instances {
			names = append(names, in.Attributes.Name)
		}
	}
	sort.Strings(names)
	return names
}

// writesTo lists the updates and deletes that reached any of the ids.
func (r *cliRun) writesTo(ids map[string]bool) []string {
	var out []string
	for _, e := range r.srv.Requests() {
		if e.Method == http.MethodGet || e.Method == http.MethodPost {
			continue
		}
		if ids[filepath.Base(e.Path)] {
			out = append(out, e.Method+" "+e.Path)
		}
	}
	return out
}

func (r *cliRun) posts() int {
	n := 0
	for _, e := range r.srv.Requests() {
		if e.Method == http.MethodPost {
			n++
		}
	}
	return n
}

func wantAllNames(t *testing.T, got map[string]string) {
	t.Helper()
	var names []string
	for name := range got {
		names = append(names, name)
	}
	sort.Strings(names)
	var want []string
	for i := range interruptedRecords {
		want = append(want, fmt.Sprintf("bd-%d", i))
	}
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Fatalf("the platform holds %v, want exactly %v", names, want)
	}
}

// TestAccLLMProviderResource_interruptedApply kills terraform and its provider (SIGKILL to the
// process group) while creates the platform has carried out are waiting for their answers. The
// next apply creates every record that is missing, creates none twice, writes to none it cannot
// show it made, and reports each record that reached the platform but not the state with its
// import block; importing them converges to an empty plan.
func TestAccLLMProviderResource_interruptedApply(t *testing.T) {
	r := newCLIRun(t)
	r.writeConfig("")
	r.interrupt(syscall.SIGKILL)

	before := r.platformRecords()
	inState := r.stateNames()
	var lost []string
	existing := map[string]bool{}
	for name, id := range before {
		existing[id] = true
		if !slices.Contains(inState, name) {
			lost = append(lost, name)
		}
	}
	sort.Strings(lost)
	if len(before) < answeredBeforeHold+heldWhenInterrupted || len(lost) < heldWhenInterrupted {
		t.Fatalf("after the kill the platform holds %d records, %d of them not in state; want at least %d and %d",
			len(before), len(lost), answeredBeforeHold+heldWhenInterrupted, heldWhenInterrupted)
	}
	t.Logf("killed: %d records on the platform, %d in state, %d lost: %v", len(before), len(inState), len(lost), lost)

	r.srv.ClearRequests()
	out, code := r.run("apply", "-auto-approve", "-no-color")
	if code == 0 {
		t.Fatalf("the apply after the kill succeeded, want it to report the %d lost records:\n%s", len(lost), out)
	}
	if got := strings.Count(out, "Error: Existing Record Not Taken Over"); got != len(lost) {
		t.Fatalf("%d records reported, want the %d lost ones:\n%s", got, len(lost), out)
	}
	for _, name := range lost {
		if !strings.Contains(out, fmt.Sprintf("id = %q", before[name])) {
			t.Errorf("no import block for %s (%s) in:\n%s", name, before[name], out)
		}
	}
	if w := r.writesTo(existing); len(w) > 0 {
		t.Fatalf("the apply after the kill wrote to records it did not create or import: %v", w)
	}
	if got, want := r.posts(), interruptedRecords-len(before); got != want {
		t.Fatalf("%d creates, want %d: one per missing record", got, want)
	}
	after := r.platformRecords()
	wantAllNames(t, after)

	// Adopting the lost records on purpose: the import blocks the errors gave, at their addresses.
	var imports strings.Builder
	for _, name := range lost {
		fmt.Fprintf(&imports, "import {\n  to = llm_provider.many[%s]\n  id = %q\n}\n", strings.TrimPrefix(name, "bd-"), after[name])
	}
	r.writeConfig(imports.String())
	if out, code := r.run("apply", "-auto-approve", "-no-color"); code != 0 {
		t.Fatalf("applying the imports failed:\n%s", out)
	}
	if out, code := r.run("plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Fatalf("the plan after the imports is not empty (exit %d):\n%s", code, out)
	}
	wantAllNames(t, r.platformRecords())
	if out, code := r.run("destroy", "-auto-approve", "-no-color"); code != 0 {
		t.Fatalf("destroy failed:\n%s", out)
	}
	if left := r.platformRecords(); len(left) != 0 {
		t.Fatalf("destroy left %v", left)
	}
}

// TestAccLLMProviderResource_cancelledApply presses Ctrl-C (SIGINT to terraform) while creates the
// platform has carried out are waiting for their answers: each create looks its record up on a
// deadline of its own and keeps it, so state holds every record the platform made, and the next
// apply creates only the rest.
func TestAccLLMProviderResource_cancelledApply(t *testing.T) {
	r := newCLIRun(t)
	r.writeConfig("")
	out := r.interrupt(syscall.SIGINT)
	made := r.platformRecords()
	var names []string
	for name := range made {
		names = append(names, name)
	}
	sort.Strings(names)
	if inState := r.stateNames(); !slices.Equal(inState, names) {
		t.Fatalf("after Ctrl-C state holds %v, the platform %v: a create the platform carried out was lost\n%s", inState, names, out)
	}
	existing := map[string]bool{}
	for _, id := range made {
		existing[id] = true
	}
	r.srv.ClearRequests()
	if out, code := r.run("apply", "-auto-approve", "-no-color"); code != 0 {
		t.Fatalf("the apply after Ctrl-C failed:\n%s", out)
	}
	if w := r.writesTo(existing); len(w) > 0 {
		t.Fatalf("the apply after Ctrl-C wrote to records it had: %v", w)
	}
	if got, want := r.posts(), interruptedRecords-len(made); got != want {
		t.Fatalf("%d creates, want %d", got, want)
	}
	wantAllNames(t, r.platformRecords())
	if out, code := r.run("destroy", "-auto-approve", "-no-color"); code != 0 {
		t.Fatalf("destroy failed:\n%s", out)
	}
}
