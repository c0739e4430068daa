// Command benchtool is `make bench`: it times terraform apply, a refresh-only plan, an update of
// every record and destroy for N llm_provider records per platform against llm-mock, times the same
// operations on N terraform_data resources as the floor Terraform itself sets, counts the API
// requests per record from the mock's journal, samples the Terraform provider process's peak
// memory, and writes the results to BENCHMARKS.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Operation is one timed Terraform command.
type Operation string

// The four operations, in the order they run.
const (
	OpApply   Operation = "apply"
	OpRefresh Operation = "refresh"
	OpUpdate  Operation = "update"
	OpDestroy Operation = "destroy"
)

// Operations lists every operation in run order.
var Operations = []Operation{OpApply, OpRefresh, OpUpdate, OpDestroy}

// Label is how an operation reads in the tables.
func (o Operation) Label() string {
	switch o {
	case OpApply:
		return "apply (create)"
	case OpRefresh:
		return "plan -refresh-only"
	case OpUpdate:
		return "apply (update all)"
	case OpDestroy:
		return "destroy"
	}
	return string(o)
}

// Options configures one bench run.
type Options struct {
	// Ns are the requested record counts.
	Ns []int
	// Platforms to bench, in order.
	Platforms []string
	// Terraform is the terraform binary.
	Terraform string
	// Parallelism is passed to every terraform command as -parallelism.
	Parallelism int
	// ModuleRoot is the Go module's root, for building the Terraform provider and llm-mock.
	ModuleRoot string
	// WorkDir holds the binaries, the CLI config and one directory per configuration.
	WorkDir string
	// GoBench runs the Go micro-benchmarks of the patch builder and the wire mapping too.
	GoBench bool
	// Command is the exact command recorded in BENCHMARKS.md.
	Command string
	// Progress receives one line per finished operation; nil discards them.
	Progress io.Writer
}

// Measurement is what one operation cost.
type Measurement struct {
	Duration time.Duration
	// Requests counts the journaled API requests by HTTP method.
	Requests map[string]int
	// Statuses counts the journaled responses by HTTP status.
	Statuses map[int]int
	// ProviderPeakKB is the highest VmHWM seen of any Terraform provider process the command
	// started; 0 when it started none (the floor).
	ProviderPeakKB int64
	// TerraformPeakKB is the highest VmHWM seen of the terraform process itself.
	TerraformPeakKB int64
}

// ReadsPerRecord and WritesPerRecord split the requests into GETs and everything else.
func (m Measurement) ReadsPerRecord(records int) float64 {
	return float64(m.Requests["GET"]) / float64(records)
}

// WritesPerRecord counts every request that is not a GET, per record.
func (m Measurement) WritesPerRecord(records int) float64 {
	writes := 0
	for method, n := range m.Requests {
		if method != "GET" {
			writes += n
		}
	}
	return float64(writes) / float64(records)
}

// TotalPerRecord counts every request, per record.
func (m Measurement) TotalPerRecord(records int) float64 {
	return m.ReadsPerRecord(records) + m.WritesPerRecord(records)
}

// Failures counts answers that mean a retry or a failure: 429 and 5xx.
func (m Measurement) Failures() int {
	n := 0
	for status, count := range m.Statuses {
		if status == http.StatusTooManyRequests || status >= 500 {
			n += count
		}
	}
	return n
}

// Result is one platform at one requested N.
type Result struct {
	Platform string
	// RequestedN is the N of the run; Records is how many records the platform could hold.
	RequestedN, Records int
	// Note explains a Records below RequestedN.
	Note  string
	Ours  map[Operation]Measurement
	Floor map[Operation]Measurement
}

// Ratio is ours / floor for an operation.
func (r Result) Ratio(op Operation) float64 {
	floor := r.Floor[op].Duration
	if floor <= 0 {
		return 0
	}
	return float64(r.Ours[op].Duration) / float64(floor)
}

// Report is a whole run.
type Report struct {
	Options  Options
	Started  time.Time
	Elapsed  time.Duration
	Machine  Machine
	Results  []Result
	GoBench  string
	Warnings []string
}

// Machine describes where the run happened.
type Machine struct {
	CPUs             int
	CPUModel         string
	MemoryKB         int64
	OS, Kernel       string
	Go, TerraformVer string
	// LoadBefore and LoadAfter are /proc/loadavg's 1, 5 and 15 minute averages around the run:
	// other work on the machine slows both ours and the floor, and not always alike.
	LoadBefore, LoadAfter string
}

func main() {
	if err := benchMain(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

func benchMain() error {
	var (
		ns          = flag.String("n", envOr("BENCH_N", "100 500"), "record counts, space or comma separated (env BENCH_N)")
		platforms   = flag.String("platforms", envOr("BENCH_PLATFORMS", "refactor flashback barndoor keywordsai"), "platforms to bench (env BENCH_PLATFORMS)")
		terraform   = flag.String("terraform", os.Getenv("TF_ACC_TERRAFORM_PATH"), "terraform binary (env TF_ACC_TERRAFORM_PATH)")
		parallelism = flag.Int("parallelism", envInt("BENCH_PARALLELISM", 10), "terraform -parallelism (env BENCH_PARALLELISM)")
		root        = flag.String("module", ".", "the Go module root")
		workDir     = flag.String("workdir", "", "scratch directory (default: a new temporary directory, removed afterwards)")
		out         = flag.String("out", "BENCHMARKS.md", "where to write the results; empty to skip")
		goBench     = flag.Bool("gobench", envOr("BENCH_GO", "1") != "0", "also run the Go micro-benchmarks (env BENCH_GO=0 skips)")
		command     = flag.String("command", "make bench", "the command recorded in the results")
	)
	flag.Parse()
	opts := Options{
		Terraform: *terraform, Parallelism: *parallelism, ModuleRoot: *root, WorkDir: *workDir,
		GoBench: *goBench, Command: *command, Progress: os.Stderr, Platforms: fields(*platforms),
	}
	for _, s := range fields(*ns) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("BENCH_N: %q is not a positive whole number", s)
		}
		opts.Ns = append(opts.Ns, n)
	}
	if opts.Terraform == "" {
		return errors.New("no terraform: pass -terraform or set TF_ACC_TERRAFORM_PATH (scripts/bench.sh does)")
	}
	if opts.WorkDir == "" {
		dir, err := os.MkdirTemp("", "llm-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		opts.WorkDir = dir
	}
	ctx, cancel := signalContext()
	defer cancel()
	report, err := Run(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Print(report.Text())
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report.Markdown()), 0o644); err != nil {
			return err
		}
		fmt.Printf("\nwrote %s\n", *out)
	}
	return nil
}

// signalContext is cancelled on Ctrl-C, so terraform and llm-mock are stopped rather than orphaned.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// Run builds the binaries, starts llm-mock and benches every platform at every N.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Parallelism < 1 {
		opts.Parallelism = 10
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	for _, p := range opts.Platforms {
		if _, ok := benchPlatforms[p]; !ok {
			return nil, fmt.Errorf("unknown platform %q (want some of refactor flashback barndoor keywordsai)", p)
		}
	}
	if len(opts.Ns) == 0 || len(opts.Platforms) == 0 {
		return nil, errors.New("nothing to bench: no N or no platform")
	}
	report := &Report{Options: opts, Started: time.Now()}
	bin := filepath.Join(opts.WorkDir, "bin")
	if err := buildBinaries(ctx, opts.ModuleRoot, bin); err != nil {
		return nil, err
	}
	report.Machine = describeMachine(ctx, opts.Terraform)
	cliConfig := filepath.Join(opts.WorkDir, "bench.terraformrc")
	// dev_overrides lets terraform use the freshly built binary without init or a registry; the
	// built-in terraform_data needs neither.
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/llmconfig/llm", bin)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return nil, err
	}
	mock, err := startMock(ctx, filepath.Join(bin, "llm-mock"))
	if err != nil {
		return nil, err
	}
	defer mock.stop()

	tf := &terraformRunner{bin: opts.Terraform, cliConfig: cliConfig, parallelism: opts.Parallelism}
	floors := map[int]map[Operation]Measurement{}
	for _, n := range opts.Ns {
		for _, name := range opts.Platforms {
			bp := benchPlatforms[name]
			res := Result{Platform: name, RequestedN: n}
			res.Records, res.Note = bp.records(n)
			floor, ok := floors[res.Records]
			if !ok {
				dir := filepath.Join(opts.WorkDir, fmt.Sprintf("floor-%d", res.Records))
				floor, err = benchConfig(ctx, tf, dir, floorConfig(res.Records), res.Records, nil, opts.Progress, "floor")
				if err != nil {
					return nil, fmt.Errorf("floor, %d terraform_data: %w", res.Records, err)
				}
				floors[res.Records] = floor
			}
			res.Floor = floor
			if err := mock.reset(ctx); err != nil {
				return nil, err
			}
			dir := filepath.Join(opts.WorkDir, fmt.Sprintf("%s-%d", name, res.Records))
			res.Ours, err = benchConfig(ctx, tf, dir, bp.config(name, mock.root, res.Records), res.Records, mock, opts.Progress, name)
			if err != nil {
				return nil, fmt.Errorf("%s, %d records: %w", name, res.Records, err)
			}
			for _, op := range Operations {
				if f := res.Ours[op].Failures(); f > 0 {
					report.Warnings = append(report.Warnings, fmt.Sprintf("%s N=%d %s: %d answers were 429 or 5xx", name, res.Records, op, f))
				}
			}
			report.Results = append(report.Results, res)
		}
	}
	report.Machine.LoadAfter = loadAverage()
	if opts.GoBench {
		out, err := runGoBench(ctx, opts.ModuleRoot)
		if err != nil {
			return nil, err
		}
		report.GoBench = out
	}
	report.Elapsed = time.Since(report.Started)
	return report, nil
}

// benchConfig writes main.tf into dir and runs the four operations, measuring each. With a mock,
// it clears the journal before and reads it after every operation.
func benchConfig(ctx context.Context, tf *terraformRunner, dir, mainTF string, records int, mock *mockProcess, progress io.Writer, who string) (map[Operation]Measurement, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o644); err != nil {
		return nil, err
	}
	out := map[Operation]Measurement{}
	for _, op := range Operations {
		if mock != nil {
			if err := mock.clearJournal(ctx); err != nil {
				return nil, err
			}
		}
		m, err := tf.run(ctx, dir, op)
		if err != nil {
			return nil, err
		}
		if mock != nil {
			m.Requests, m.Statuses, err = mock.journal(ctx)
			if err != nil {
				return nil, err
			}
		}
		out[op] = m
		fmt.Fprintf(progress, "bench: %-10s N=%-4d %-20s %8.2fs\n", who, records, op.Label(), m.Duration.Seconds())
	}
	return out, nil
}

// terraformRunner runs one terraform command per operation in a configuration directory.
type terraformRunner struct {
	bin, cliConfig string
	parallelism    int
}

// args returns the command line of an operation. The update changes var.label on every record.
// The refresh-only plan has no -detailed-exitcode: Terraform 1.11 answers 2 there whenever a
// resource has several sensitive attributes, because it writes their paths to state in a new order
// on every refresh; run checks the plan's text instead.
func (t *terraformRunner) args(op Operation) []string {
	common := []string{"-input=false", "-no-color", "-parallelism=" + strconv.Itoa(t.parallelism)}
	switch op {
	case OpApply:
		return append(append([]string{"apply", "-auto-approve"}, common...), "-var", "label=v1")
	case OpRefresh:
		return append(append([]string{"plan", "-refresh-only"}, common...), "-var", "label=v1")
	case OpUpdate:
		return append(append([]string{"apply", "-auto-approve"}, common...), "-var", "label=v2")
	default:
		return append(append([]string{"destroy", "-auto-approve"}, common...), "-var", "label=v2")
	}
}

func (t *terraformRunner) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		// The provider block sets everything; inherited LLM_* or TF_* settings (a rate limit, a log
		// level, a CLI config that points nowhere) would skew or break the measurement.
		if strings.HasPrefix(name, "LLM_") || strings.HasPrefix(name, "TF_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_CLI_CONFIG_FILE="+t.cliConfig, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
}

// noDriftText is what a refresh-only plan prints when every record reads back as applied.
const noDriftText = "found no differences"

func (t *terraformRunner) run(ctx context.Context, dir string, op Operation) (Measurement, error) {
	logPath := filepath.Join(dir, string(op)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return Measurement{}, err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, t.bin, t.args(op)...)
	// An interrupt lets terraform stop its plugins and unlock the state; a kill would orphan them.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	cmd.Dir = dir
	cmd.Env = t.env()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measurement{}, err
	}
	sampler := startSampler(cmd.Process.Pid)
	err = cmd.Wait()
	elapsed := time.Since(start)
	providerKB, terraformKB := sampler.stop()
	log, _ := os.ReadFile(logPath)
	tail := log[max(0, len(log)-3000):]
	if err != nil {
		return Measurement{}, fmt.Errorf("terraform %s: %v\n%s", strings.Join(t.args(op), " "), err, tail)
	}
	if op == OpRefresh && !bytes.Contains(log, []byte(noDriftText)) {
		return Measurement{}, fmt.Errorf("the refresh-only plan right after apply found changes (a perpetual diff):\n%s", tail)
	}
	return Measurement{Duration: elapsed, ProviderPeakKB: providerKB, TerraformPeakKB: terraformKB}, nil
}

// sampler polls /proc for the peak resident memory (VmHWM) of a terraform process and of the
// Terraform provider processes it starts. The plugin is a child of terraform that go-plugin talks
// to over stdout, so wrapping it is fragile; polling sees every instance terraform starts. Growth
// in the last poll interval before a plugin exits can be missed. Looking for new children means
// reading every /proc entry, so that happens on every scanEvery-th poll only, to keep the
// sampler's own CPU use (which competes with what it measures) small.
type sampler struct {
	pid                 int
	done                chan struct{}
	wg                  sync.WaitGroup
	providerKB, terraKB int64
	// providers are the provider processes found so far.
	providers map[int]bool
}

const (
	sampleInterval = 20 * time.Millisecond
	scanEvery      = 3
)

func startSampler(pid int) *sampler {
	s := &sampler{pid: pid, done: make(chan struct{}), providers: map[int]bool{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ticker := time.NewTicker(sampleInterval)
		defer ticker.Stop()
		for tick := 0; ; tick++ {
			if tick%scanEvery == 0 {
				s.scan()
			}
			s.sample()
			select {
			case <-s.done:
				return
			case <-ticker.C:
			}
		}
	}()
	return s
}

// scan finds the children of terraform that are Terraform provider processes.
func (s *sampler) scan() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || s.providers[pid] {
			continue
		}
		ppid, comm, ok := procStat(pid)
		// The kernel truncates comm to 15 bytes: "terraform-provi".
		if ok && ppid == s.pid && strings.HasPrefix("terraform-provider-llm", comm) && len(comm) >= len("terraform-prov") {
			s.providers[pid] = true
		}
	}
}

// sample reads the peaks of terraform and of the provider processes found, forgetting those gone.
func (s *sampler) sample() {
	if kb := vmHWM(s.pid); kb > s.terraKB {
		s.terraKB = kb
	}
	for pid := range s.providers {
		kb := vmHWM(pid)
		if kb == 0 {
			delete(s.providers, pid)
		}
		s.providerKB = max(s.providerKB, kb)
	}
}

func (s *sampler) stop() (providerKB, terraformKB int64) {
	close(s.done)
	s.wg.Wait()
	return s.providerKB, s.terraKB
}

// procStat returns the parent pid and command name of a process.
func procStat(pid int) (int, string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, "", false
	}
	open, closing := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || closing < open {
		return 0, "", false
	}
	rest := strings.Fields(string(b[closing+1:]))
	if len(rest) < 2 {
		return 0, "", false
	}
	ppid, err := strconv.Atoi(rest[1])
	if err != nil {
		return 0, "", false
	}
	return ppid, string(b[open+1 : closing]), true
}

// vmHWM returns a process's peak resident set size in KiB, or 0 when it is gone.
func vmHWM(pid int) int64 {
	return procStatusKB("/proc/"+strconv.Itoa(pid)+"/status", "VmHWM:")
}

func procStatusKB(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			fs := strings.Fields(rest)
			if len(fs) > 0 {
				n, _ := strconv.ParseInt(fs[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// buildBinaries builds the Terraform provider and llm-mock into bin.
func buildBinaries(ctx context.Context, root, bin string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	for _, b := range []struct{ out, pkg string }{
		{"terraform-provider-llm", "."},
		{"llm-mock", "./internal/mockserver/cmd/llm-mock"},
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, b.out), b.pkg)
		cmd.Dir = root
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

func startMock(ctx context.Context, bin string) (*mockProcess, error) {
	cmd := exec.CommandContext(ctx, bin, "--listen", "127.0.0.1:0", "--token", mockToken)
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

// runGoBench runs the micro-benchmarks of the patch builder (platform.Diff) and of each
// platform's wire mapping, and returns their result lines.
func runGoBench(ctx context.Context, root string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "./internal/platform/...")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go test -bench: %v\n%s", err, out)
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
