#!/usr/bin/env bash
# make test-stress: the proof that the suite does not flake on a loaded machine. Two CPU-bound
# processes run beside it (started and stopped here), while it runs the platform, mock and
# provider unit packages five times with the race detector (no TF_ACC, and the provider's TestAcc*
# tests, which resource.UnitTest would run without it, skipped), then the acceptance suite
# once on the oldest Terraform. Not part of make test, whose time CI bounds.
set -euo pipefail
cd "$(dirname "$0")/.."
hogs=()
stop_hogs() {
	for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap stop_hogs EXIT
for _ in 1 2; do
	yes >/dev/null &
	hogs+=($!)
done
echo "test-stress: two CPU-bound processes running beside the tests (pids ${hogs[*]})"
started=$SECONDS
env -u TF_ACC go test -race -count=5 -timeout 40m -skip '^TestAcc' ./internal/platform/... ./internal/mockserver/... ./internal/provider/
echo "test-stress: unit packages, -race -count=5: passed in $((SECONDS - started))s"
started=$SECONDS
LLM_TEST_CLIS=terraform-oldest make --no-print-directory test
echo "test-stress: make test on terraform-oldest under load: passed in $((SECONDS - started))s"
