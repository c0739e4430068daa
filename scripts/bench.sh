#!/usr/bin/env bash
# make bench: times apply, a refresh-only plan, an update of every record and destroy for N
# llm_provider records per platform against llm-mock, against the floor of N terraform_data
# resources, counts API requests per record, samples the Terraform provider's peak memory, runs
# the Go micro-benchmarks, and writes BENCHMARKS.md. Slow (N = 500 takes a while on 2 cores), so
# not part of make test; make test runs the N = 3 smoke version (internal/benchtool TestBenchSmoke).
#
# Knobs (environment):
#   BENCH_N            record counts, default "100 500"
#   BENCH_PLATFORMS    default "refactor flashback barndoor keywordsai"
#   BENCH_PARALLELISM  terraform -parallelism, default 10
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
for knob in BENCH_N BENCH_PLATFORMS BENCH_PARALLELISM BENCH_GO; do
  if [ -n "${!knob:-}" ]; then command+="$knob=\"${!knob}\" "; fi
done
if [ -n "${MAKELEVEL:-}" ]; then command+="make bench"; else command+="scripts/bench.sh"; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/llm-bench.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then
  echo "bench: scratch directory kept: $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
go build -o "$work/benchtool" ./internal/benchtool
"$work/benchtool" -module "$root" -terraform "$tf" -workdir "$work" \
  -out "${BENCH_OUT-BENCHMARKS.md}" -command "$command"
