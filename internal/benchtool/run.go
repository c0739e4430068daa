package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
