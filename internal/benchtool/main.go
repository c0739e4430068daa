// Command benchtool is `make bench`: it times terraform apply, a refresh-only plan, a plan without
// refresh, an update of every record and destroy for N llm_provider records per platform against
// llm-mock, and the same operations on three floors (N terraform_data resources, and two framework
// providers that make no API call: a 7-attribute one and one with llm_provider's schema), run
// alternately; it measures wall time and CPU seconds, counts the API requests per record from the
// mock's journal, samples the Terraform provider process's peak memory, repeats ours against a mock
// with added latency, and writes the results to BENCHMARKS.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

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
