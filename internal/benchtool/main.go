// Command benchtool is `make bench`: it times terraform apply, a refresh-only plan, a plan without
// refresh, an update of every record and destroy for N llm_provider records per platform against
// llm-mock, and the same operations on three floors (N terraform_data resources, and two framework
// providers that make no API call: a 7-attribute one and one with llm_provider's schema), run
// alternately; it measures wall time and CPU seconds, counts the API requests per record from the
// mock's journal, samples the Terraform provider process's peak memory, repeats ours against a mock
// with added latency, and writes the results to BENCHMARKS.md.
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
	"math"
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

// The operations, in the order they run.
const (
	OpApply   Operation = "apply"
	OpRefresh Operation = "refresh"
	OpPlan    Operation = "plan"
	OpUpdate  Operation = "update"
	OpDestroy Operation = "destroy"
)

// Operations lists every operation in run order.
var Operations = []Operation{OpApply, OpRefresh, OpPlan, OpUpdate, OpDestroy}

// Label is how an operation reads in the tables.
func (o Operation) Label() string {
	switch o {
	case OpApply:
		return "apply (create)"
	case OpRefresh:
		return "plan -refresh-only"
	case OpPlan:
		return "plan -refresh=false"
	case OpUpdate:
		return "apply (update all)"
	case OpDestroy:
		return "destroy"
	}
	return string(o)
}

// Variant is one of the four things every operation is run on.
type Variant string

// The variants, in the order they run within an operation.
const (
	// TFData is N terraform_data resources: Terraform alone, no plugin process, no API.
	TFData Variant = "terraform_data"
	// Seven is the 7-attribute framework floor (terraform-provider-llmseven): no API calls.
	Seven Variant = "7-attribute"
	// Same is the framework floor with llm_provider's schema (terraform-provider-llmfloor): no API calls.
	Same Variant = "same-schema"
	// Ours is terraform-provider-llm against llm-mock.
	Ours Variant = "ours"
)

// Variants lists every variant in run order; ours runs right after the same-schema floor, so the
// ratio that matters most compares neighbouring runs.
var Variants = []Variant{TFData, Seven, Same, Ours}

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
	// Latency is the mock latency of the latency runs; 0 skips them.
	Latency time.Duration
	// LatencyN is the record count of the latency runs.
	LatencyN int
	// Rounds is how many times every configuration's operations run; each cell is the median of
	// the rounds (wall time and CPU each), so one disturbed run moves no ratio.
	Rounds int
	// ProfileDir, when set, adds a run of ours at the largest N that writes CPU profiles
	// (LLM_CPU_PROFILE) there during the apply and the plans, and the report lists their top entries.
	ProfileDir string
}

// Measurement is what one operation cost.
type Measurement struct {
	Duration time.Duration
	// CPU is the user and system time of terraform and every provider process it started and
	// reaped: the rusage wait4 returns counts a process's reaped children too.
	CPU time.Duration
	// TerraformCPU and ProviderCPU split CPU: the user and system time of the terraform process
	// itself, and of the provider processes it started and reaped. Both are 0 where the split
	// is not measured (outside Linux); TerraformCPU is then unknown, not free.
	TerraformCPU, ProviderCPU time.Duration
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
	Note string
	// Runs holds every variant's measurements by operation.
	Runs map[Variant]map[Operation]Measurement
}

// Ours is our provider's measurements.
func (r Result) Ours() map[Operation]Measurement { return r.Runs[Ours] }

// Ratios are ours / floor of an operation in wall time and in CPU seconds; 0 when unmeasured.
func (r Result) Ratios(op Operation, floor Variant) (wall, cpu float64) {
	o, f := r.Runs[Ours][op], r.Runs[floor][op]
	if f.Duration > 0 {
		wall = float64(o.Duration) / float64(f.Duration)
	}
	if f.CPU > 0 {
		cpu = float64(o.CPU) / float64(f.CPU)
	}
	return wall, cpu
}

// LatencyResult is ours at one platform against the zero-latency mock and the delayed one, run
// alternately per operation.
type LatencyResult struct {
	Platform      string
	Records       int
	Latency       time.Duration
	Zero, Delayed map[Operation]Measurement
	Parallelism   int
}

// Added is how much longer an operation took against the delayed mock.
func (l LatencyResult) Added(op Operation) time.Duration {
	return l.Delayed[op].Duration - l.Zero[op].Duration
}

// Bound is the most an operation may take longer against the delayed mock (issue 10): a plan a
// few round trips (its requests, the coalesced lists, one after another), anything that writes
// N × requests per record × latency / parallelism, but no less than one record's requests one
// after another, which is what a small N costs.
func (l LatencyResult) Bound(op Operation) time.Duration {
	m := l.Delayed[op]
	total := 0
	for _, n := range m.Requests {
		total += n
	}
	if op == OpRefresh || op == OpPlan {
		return time.Duration(total) * l.Latency
	}
	perRecord := time.Duration(math.Ceil(m.TotalPerRecord(l.Records))) * l.Latency
	return max(time.Duration(total)*l.Latency/time.Duration(max(1, l.Parallelism)), perRecord)
}

// Profile is the CPU profiles of ours during one operation: one file per provider process.
type Profile struct {
	Platform string
	Records  int
	Op       Operation
	Files    []string
	// Top is the first lines of go tool pprof -top over all the files.
	Top string
}

// Report is a whole run.
type Report struct {
	Options  Options
	Started  time.Time
	Elapsed  time.Duration
	Machine  Machine
	Results  []Result
	Latency  []LatencyResult
	Profiles []Profile
	GoBench  string
	Warnings []string
	// Findings is the hand-written findings section of the previous BENCHMARKS.md, carried over
	// so a rerun keeps what people concluded from the numbers.
	Findings string
}

// findingsHeading starts the hand-written section of BENCHMARKS.md.
const findingsHeading = "## Findings"

// findingsSection returns the body of the findings section of a BENCHMARKS.md, up to the next
// section; "" when it has none.
func findingsSection(md string) string {
	_, rest, ok := strings.Cut(md, "\n"+findingsHeading+"\n")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSpace(rest)
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
		latency     = flag.Duration("latency", envDuration("BENCH_LATENCY", 50*time.Millisecond), "mock latency of the latency runs, 0 skips them (env BENCH_LATENCY)")
		latencyN    = flag.Int("latency-n", envInt("BENCH_LATENCY_N", 100), "record count of the latency runs (env BENCH_LATENCY_N)")
		profileDir  = flag.String("profile", os.Getenv("BENCH_PROFILE"), "directory for CPU profiles of ours at the largest N (env BENCH_PROFILE)")
		rounds      = flag.Int("rounds", envInt("BENCH_ROUNDS", 1), "rounds of every configuration; each cell is their median (env BENCH_ROUNDS)")
	)
	flag.Parse()
	opts := Options{
		Terraform: *terraform, Parallelism: *parallelism, ModuleRoot: *root, WorkDir: *workDir,
		GoBench: *goBench, Command: *command, Progress: os.Stderr, Platforms: fields(*platforms),
		Latency: *latency, LatencyN: *latencyN, ProfileDir: *profileDir, Rounds: *rounds,
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
		if old, err := os.ReadFile(*out); err == nil {
			report.Findings = findingsSection(string(old))
		}
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

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(strings.TrimSpace(os.Getenv(name))); err == nil && d >= 0 {
		return d
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
	opts.Rounds = max(1, opts.Rounds)
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
	if opts.ProfileDir != "" {
		// The provider runs in each configuration's directory, so the prefix must be absolute.
		dir, err := filepath.Abs(opts.ProfileDir)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		opts.ProfileDir = dir
	}
	report := &Report{Options: opts, Started: time.Now()}
	bin := filepath.Join(opts.WorkDir, "bin")
	if err := buildBinaries(ctx, opts.ModuleRoot, bin); err != nil {
		return nil, err
	}
	report.Machine = describeMachine(ctx, opts.Terraform)
	cliConfig := filepath.Join(opts.WorkDir, "bench.terraformrc")
	// dev_overrides lets terraform use the freshly built binaries without init or a registry; the
	// built-in terraform_data needs neither.
	rc := "provider_installation {\n  dev_overrides {\n"
	for _, source := range []string{sourceOurs, sourceSame, sourceSeven} {
		rc += fmt.Sprintf("    %q = %q\n", "registry.terraform.io/"+source, bin)
	}
	rc += "  }\n  direct {}\n}\n"
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return nil, err
	}
	mock, err := startMock(ctx, filepath.Join(bin, "llm-mock"), 0)
	if err != nil {
		return nil, err
	}
	defer mock.stop()

	tf := &terraformRunner{bin: opts.Terraform, cliConfig: cliConfig, parallelism: opts.Parallelism}
	profileN := slices.Max(opts.Ns)
	for _, n := range opts.Ns {
		for _, name := range opts.Platforms {
			bp := benchPlatforms[name]
			res := Result{Platform: name, RequestedN: n}
			res.Records, res.Note = bp.records(n)
			runs := []*variantRun{
				{who: string(TFData), mainTF: floorConfig(res.Records)},
				{who: string(Seven), mainTF: bp.render(sourceSeven, name, mock.root, res.Records, sevenAttributes), env: floorLogEnv},
				{who: string(Same), mainTF: bp.render(sourceSame, name, mock.root, res.Records, nil), env: floorLogEnv},
				{who: string(Ours), mainTF: bp.config(name, mock.root, res.Records), mock: mock},
			}
			for _, r := range runs {
				r.dir = filepath.Join(opts.WorkDir, fmt.Sprintf("%s-%d-%s", name, res.Records, strings.ReplaceAll(r.who, "_", "-")))
			}
			out, err := benchRounds(ctx, opts.Rounds, tf, runs, res.Records, opts.Progress, name)
			if err != nil {
				return nil, fmt.Errorf("%s, %d records: %w", name, res.Records, err)
			}
			res.Runs = map[Variant]map[Operation]Measurement{}
			for i, v := range Variants {
				res.Runs[v] = out[i]
			}
			for _, op := range Operations {
				if f := res.Ours()[op].Failures(); f > 0 {
					report.Warnings = append(report.Warnings, fmt.Sprintf("%s N=%d %s: %d answers were 429 or 5xx", name, res.Records, op, f))
				}
			}
			report.Results = append(report.Results, res)
			if opts.ProfileDir != "" && n == profileN {
				// The profiles come from an extra run of ours, so the profiler's own cost stays out
				// of the measured runs.
				prefix := filepath.Join(opts.ProfileDir, fmt.Sprintf("%s-%d", name, res.Records))
				profiled := &variantRun{who: "ours-profiled", mainTF: runs[3].mainTF, mock: mock, profile: prefix,
					dir: filepath.Join(opts.WorkDir, fmt.Sprintf("%s-%d-profiled", name, res.Records))}
				if _, err := benchAlternately(ctx, tf, []*variantRun{profiled}, profiledOperations, res.Records, opts.Progress, name); err != nil {
					return nil, fmt.Errorf("%s, %d records, profiled: %w", name, res.Records, err)
				}
				report.Profiles = append(report.Profiles, profiles(ctx, filepath.Join(bin, "terraform-provider-llm"), prefix, name, res.Records)...)
			}
		}
	}
	if opts.Latency > 0 {
		if err := benchLatency(ctx, opts, tf, bin, mock, report); err != nil {
			return nil, err
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

// variantRun is one configuration directory that benchAlternately runs the operations in.
type variantRun struct {
	who, dir, mainTF string
	// mock is the llm-mock ours talks to; nil for the floors, which make no API call.
	mock *mockProcess
	// profile, when set, is the LLM_CPU_PROFILE prefix of the apply and the plans.
	profile string
	// env is added to every command's environment.
	env []string
}

// floorLogEnv turns the framework's and the SDK's own logging off in the framework floors, as
// the provider's main does for itself when TF_LOG is unset: otherwise the floors would spend CPU
// on log lines nobody reads, which ours does not, and the ratio would flatter ours.
var floorLogEnv = []string{"TF_LOG_SDK=OFF", "TF_LOG_SDK_PROTO=OFF", "TF_LOG_SDK_FRAMEWORK=OFF"}

// benchAlternately runs each operation on every configuration in turn before the next operation,
// so the runs a ratio compares are minutes apart at most rather than the length of a whole
// configuration's run: load from other work on a shared machine then hits both sides alike. With
// a mock, it resets the mock before the apply, and clears the journal before and reads it after
// every operation.
func benchAlternately(ctx context.Context, tf *terraformRunner, runs []*variantRun, ops []Operation, records int, progress io.Writer, platform string) ([]map[Operation]Measurement, error) {
	out := make([]map[Operation]Measurement, len(runs))
	for i, r := range runs {
		if err := os.RemoveAll(r.dir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(r.mainTF), 0o644); err != nil {
			return nil, err
		}
		out[i] = map[Operation]Measurement{}
	}
	for _, op := range ops {
		for i, r := range runs {
			if r.mock != nil {
				if op == OpApply {
					if err := r.mock.reset(ctx); err != nil {
						return nil, err
					}
				}
				if err := r.mock.clearJournal(ctx); err != nil {
					return nil, err
				}
			}
			env := slices.Clone(r.env)
			if r.profile != "" {
				env = append(env, cpuProfileEnv+"="+r.profile+"-"+string(op))
			}
			m, err := tf.run(ctx, r.dir, op, env...)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.who, err)
			}
			if r.mock != nil {
				m.Requests, m.Statuses, err = r.mock.journal(ctx)
				if err != nil {
					return nil, err
				}
			}
			out[i][op] = m
			fmt.Fprintf(progress, "bench: %-10s %-14s N=%-4d %-20s %8.2fs %8.2f CPU s\n", platform, r.who, records, op.Label(), m.Duration.Seconds(), m.CPU.Seconds())
		}
	}
	return out, nil
}

// benchRounds runs every operation on the configurations alternately, rounds times over, and
// keeps each cell's median.
func benchRounds(ctx context.Context, rounds int, tf *terraformRunner, runs []*variantRun, records int, progress io.Writer, platform string) ([]map[Operation]Measurement, error) {
	all := make([][]map[Operation]Measurement, rounds)
	for i := range rounds {
		if rounds > 1 {
			fmt.Fprintf(progress, "bench: %s N=%d round %d of %d\n", platform, records, i+1, rounds)
		}
		out, err := benchAlternately(ctx, tf, runs, Operations, records, progress, platform)
		if err != nil {
			return nil, err
		}
		all[i] = out
	}
	merged := make([]map[Operation]Measurement, len(runs))
	for v := range runs {
		merged[v] = map[Operation]Measurement{}
		for _, op := range Operations {
			var ms []Measurement
			for _, round := range all {
				ms = append(ms, round[v][op])
			}
			merged[v][op] = medianMeasurement(ms)
		}
	}
	return merged, nil
}

// medianMeasurement is the median wall time and the median CPU time of the rounds (each on its
// own), the requests and statuses of the round with the median CPU time, and the highest peaks.
func medianMeasurement(ms []Measurement) Measurement {
	byCPU := slices.Clone(ms)
	slices.SortStableFunc(byCPU, func(a, b Measurement) int { return cmpDuration(a.CPU, b.CPU) })
	m := byCPU[len(byCPU)/2]
	durations := make([]time.Duration, len(ms))
	for i, r := range ms {
		durations[i] = r.Duration
		m.ProviderPeakKB = max(m.ProviderPeakKB, r.ProviderPeakKB)
		m.TerraformPeakKB = max(m.TerraformPeakKB, r.TerraformPeakKB)
	}
	slices.Sort(durations)
	m.Duration = durations[len(durations)/2]
	return m
}

func cmpDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// benchLatency runs ours at opts.LatencyN records per platform against the zero-latency mock and
// against a second mock that delays every request by opts.Latency, alternately per operation.
func benchLatency(ctx context.Context, opts Options, tf *terraformRunner, bin string, zero *mockProcess, report *Report) error {
	slow, err := startMock(ctx, filepath.Join(bin, "llm-mock"), opts.Latency)
	if err != nil {
		return err
	}
	defer slow.stop()
	for _, name := range opts.Platforms {
		bp := benchPlatforms[name]
		records, _ := bp.records(max(1, opts.LatencyN))
		runs := []*variantRun{
			{who: "ours", mainTF: bp.config(name, zero.root, records), mock: zero},
			{who: "ours+" + opts.Latency.String(), mainTF: bp.config(name, slow.root, records), mock: slow},
		}
		for i, r := range runs {
			r.dir = filepath.Join(opts.WorkDir, fmt.Sprintf("latency-%s-%d-%d", name, records, i))
		}
		out, err := benchRounds(ctx, opts.Rounds, tf, runs, records, opts.Progress, name)
		if err != nil {
			return fmt.Errorf("%s, %d records at %s latency: %w", name, records, opts.Latency, err)
		}
		report.Latency = append(report.Latency, LatencyResult{
			Platform: name, Records: records, Latency: opts.Latency, Zero: out[0], Delayed: out[1], Parallelism: opts.Parallelism,
		})
	}
	return nil
}

// cpuProfileEnv is the provider's CPU profile knob (see the module's main.go).
const cpuProfileEnv = "LLM_CPU_PROFILE"

// profiledOperations are the operations the profiled run of ours runs, each with a profile.
var profiledOperations = []Operation{OpApply, OpRefresh, OpPlan}

// profileTopLines is how many lines of go tool pprof -top the report keeps per profile.
const profileTopLines = 16

// profiles collects the CPU profiles one platform's ours wrote under prefix and summarises each
// operation's with go tool pprof -top; a failing pprof leaves the file list without a summary.
func profiles(ctx context.Context, provider, prefix, platform string, records int) []Profile {
	var out []Profile
	for _, op := range profiledOperations {
		files, _ := filepath.Glob(prefix + "-" + string(op) + ".*.pprof")
		if len(files) == 0 {
			continue
		}
		p := Profile{Platform: platform, Records: records, Op: op, Files: files}
		args := append([]string{"tool", "pprof", "-top", "-nodecount=" + strconv.Itoa(profileTopLines), provider}, files...)
		if top, err := exec.CommandContext(ctx, "go", args...).Output(); err == nil {
			// The binary's path, build id and date say nothing the report does not.
			var keep []string
			for line := range strings.SplitSeq(strings.TrimRight(string(top), "\n"), "\n") {
				if !strings.HasPrefix(line, "File:") && !strings.HasPrefix(line, "Build ID:") && !strings.HasPrefix(line, "Time:") {
					keep = append(keep, line)
				}
			}
			p.Top = strings.Join(keep, "\n")
		}
		out = append(out, p)
	}
	return out
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
	case OpPlan:
		return append(append([]string{"plan", "-refresh=false"}, common...), "-var", "label=v1")
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

// noChangesText is what a plan prints when the configuration matches the state.
const noChangesText = "No changes."

// run runs one operation in dir, with extra environment variables added after the filtered ones.
func (t *terraformRunner) run(ctx context.Context, dir string, op Operation, extraEnv ...string) (Measurement, error) {
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
	cmd.Env = append(t.env(), extraEnv...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measurement{}, err
	}
	sampler := startSampler(cmd.Process.Pid)
	ownCPU, childCPU, split := splitCPUAtExit(cmd.Process.Pid)
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
	if op == OpPlan && !bytes.Contains(log, []byte(noChangesText)) {
		return Measurement{}, fmt.Errorf("the plan right after apply has changes (a perpetual diff):\n%s", tail)
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	m := Measurement{Duration: elapsed, CPU: cpu, ProviderPeakKB: providerKB, TerraformPeakKB: terraformKB}
	if split {
		m.TerraformCPU, m.ProviderCPU = ownCPU, childCPU
	}
	return m, nil
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

// The provider sources of ours and of the two framework floors; dev_overrides maps all three to
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
