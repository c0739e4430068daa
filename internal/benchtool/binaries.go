package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

// the bench's bin directory.
const (
	sourceOurs  = "llmconfig/llm"
	sourceSame  = "llmconfig/llmfloor"
	sourceSeven = "llmconfig/llmseven"
)

// buildBinaries builds the Terraform provider, the two framework floors (one command that picks
// its variant from its name) and llm-mock into bin.
func buildBinaries(ctx context.Context, root, bin string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	// The floors live in the harness's own module, which the provider's module does not hold.
	harness := filepath.Join(root, harnessDir)
	for _, b := range []struct{ out, dir, pkg string }{
		{"terraform-provider-llm", root, "."},
		{"terraform-provider-llmfloor", harness, "./floorprovider"},
		{"terraform-provider-llmseven", harness, "./floorprovider"},
		{"llm-mock", root, "./internal/mockserver/cmd/llm-mock"},
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, b.out), b.pkg)
		cmd.Dir = b.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return nil
}

// mockProcess is a running llm-mock.
type mockProcess struct {
	cmd  *exec.Cmd
	root string
}

const mockToken = "bench-token"

func startMock(ctx context.Context, bin string, latency time.Duration) (*mockProcess, error) {
	cmd := exec.CommandContext(ctx, bin, "--listen", "127.0.0.1:0", "--token", mockToken, "--latency", latency.String())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("llm-mock did not print its root URL: %v", err)
	}
	return &mockProcess{cmd: cmd, root: strings.TrimSpace(line)}, nil
}

func (m *mockProcess) stop() {
	_ = m.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
}

func (m *mockProcess) control(ctx context.Context, method, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, m.root+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("llm-mock %s %s: %s: %s", method, path, resp.Status, body)
	}
	return body, nil
}

func (m *mockProcess) reset(ctx context.Context) error {
	_, err := m.control(ctx, http.MethodPost, "/_mock/reset")
	return err
}

func (m *mockProcess) clearJournal(ctx context.Context) error {
	_, err := m.control(ctx, http.MethodDelete, "/_mock/requests")
	return err
}

// journal counts the journaled requests by method and by status.
func (m *mockProcess) journal(ctx context.Context) (map[string]int, map[int]int, error) {
	body, err := m.control(ctx, http.MethodGet, "/_mock/requests")
	if err != nil {
		return nil, nil, err
	}
	var entries []struct {
		Method string `json:"method"`
		Status int    `json:"status"`
	}
	if err := json.Unmarshal(body, &entries); err != nil {
		return nil, nil, fmt.Errorf("llm-mock journal: %v", err)
	}
	byMethod, byStatus := map[string]int{}, map[int]int{}
	for _, e := range entries {
		byMethod[e.Method]++
		byStatus[e.Status]++
	}
	return byMethod, byStatus, nil
}

// harnessDir is the benchmark harness's own Go module, under the provider's module root.
const harnessDir = "internal/benchtool"

// goBenchPackages are the packages of the Go micro-benchmarks: the update planner (PlanUpdate),
// each platform's wire mapping, and the protocol-level benchmark of ours against the two
// framework floors (in the harness's module).
var goBenchPackages = []string{"./internal/platform/...", "./" + harnessDir + "/floor/"}

// runGoBench runs the Go micro-benchmarks and returns their result lines.
func runGoBench(ctx context.Context, root string) (string, error) {
	var out []byte
	for _, run := range []struct{ dir, pkg string }{{root, goBenchPackages[0]}, {filepath.Join(root, harnessDir), "./floor/"}} {
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", run.pkg)
		cmd.Dir = run.dir
		got, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go test -bench %s: %v\n%s", run.pkg, err, got)
		}
		out = append(out, got...)
	}
	var keep []string
	for line := range strings.SplitSeq(string(out), "\n") {
		if strings.HasPrefix(line, "pkg: ") || strings.HasPrefix(line, "Benchmark") {
			keep = append(keep, strings.TrimRight(line, " \t"))
		}
	}
	return strings.Join(keep, "\n") + "\n", nil
}

func describeMachine(ctx context.Context, terraform string) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), MemoryKB: procStatusKB("/proc/meminfo", "MemTotal:")}
	m.LoadBefore = loadAverage()
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`)
			}
		}
	}
	if m.OS == "" {
		m.OS = runtime.GOOS
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if out, err := exec.CommandContext(ctx, terraform, "version", "-json").Output(); err == nil {
		var v struct {
			Version string `json:"terraform_version"`
		}
		if json.Unmarshal(out, &v) == nil {
			m.TerraformVer = v.Version
		}
	}
	return m
}

// loadAverage returns the 1, 5 and 15 minute load averages, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// sortedMethods lists the methods of a request count in a stable order.
func sortedMethods(requests map[string]int) []string {
	methods := make([]string, 0, len(requests))
	for method := range requests {
		methods = append(methods, method)
	}
	order := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	sort.Slice(methods, func(i, j int) bool {
		a, b := slices.Index(order, methods[i]), slices.Index(order, methods[j])
		if a != b {
			return a >= 0 && (b < 0 || a < b)
		}
		return methods[i] < methods[j]
	})
	return methods
}
