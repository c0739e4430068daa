#!/usr/bin/env bash
# make bench: times apply, a refresh-only plan, a plan without refresh, an update of every record
# and destroy for N llm_provider records per platform against llm-mock and against three floors
# (N terraform_data resources; terraform-provider-llmseven, a 7-attribute framework provider; and
# terraform-provider-llmfloor, a framework provider with our schema; neither floor calls an API),
# each operation run on the four in turn so noise falls on all alike. It reports wall time and CPU
# seconds (terraform plus its provider processes), ours / floor ratios, API requests per record and
# provider peak memory, then reruns ours against a second llm-mock --latency next to ours at none,
# runs the Go micro-benchmarks, and writes BENCHMARKS.md. Slow (N = 500 takes a while on 2 cores),
# so not part of make test; make test runs the N = 3 smoke version (internal/benchtool
# TestBenchSmoke).
#
# Knobs (environment):
#   BENCH_N            record counts, default "100 500"
#   BENCH_PLATFORMS    default "refactor flashback barndoor keywordsai"
#   BENCH_PARALLELISM  terraform -parallelism, default 10
#   BENCH_LATENCY      mock latency of the latency runs, default 50ms; 0s skips them
#   BENCH_LATENCY_N    record count of the latency runs, default 100
#   BENCH_ROUNDS       rounds of every configuration, default 1; each cell is then the median of
#                      the rounds, so one disturbed run moves no ratio (3 is worth it on a shared
#                      machine, at three times the time)
#   BENCH_PROFILE=DIR  CPU profiles of ours at the largest N: LLM_CPU_PROFILE is set for the apply
#                      and both plans, each provider process writes
#                      DIR/PLATFORM-N-OPERATION.PID.pprof, and the report shows go tool pprof -top
#                      of each operation. Inspect further with
#                      go tool pprof -http=: terraform-provider-llm DIR/flashback-500-plan.*.pprof
#                      (build the provider from the same commit). Profiling costs the profiled
#                      runs some CPU: take ratios from a run without it.
#   BENCH_GO=0         skip the Go micro-benchmarks
#   BENCH_OUT          results file, default BENCHMARKS.md; empty to print only
#   BENCH_KEEP=1       keep the scratch directory (configurations, state, terraform logs)
#   TF_ACC_TERRAFORM_PATH  terraform to use; default: scripts/ensure-terraform.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tf=${TF_ACC_TERRAFORM_PATH:-$(scripts/ensure-terraform.sh)}

# The exact command, with the knobs that were set, for BENCHMARKS.md.
command=""
for knob in BENCH_N BENCH_PLATFORMS BENCH_PARALLELISM BENCH_LATENCY BENCH_LATENCY_N BENCH_ROUNDS BENCH_PROFILE BENCH_GO; do
  if [ -n "${!knob:-}" ]; then command+="$knob=\"${!knob}\" "; fi
done
if [ -n "${MAKELEVEL:-}" ]; then command+="make bench"; else command+="scripts/bench.sh"; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/llm-bench.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then
  echo "bench: scratch directory kept: $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
# The harness is a Go module of its own (internal/benchtool/go.mod).
(cd internal/benchtool && go build -o "$work/benchtool" .)
"$work/benchtool" -module "$root" -terraform "$tf" -workdir "$work" \
  -out "${BENCH_OUT-BENCHMARKS.md}" -command "$command"
