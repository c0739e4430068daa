package main

import (
	"io"
	"math"
	"net/http"
	"strings"
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
