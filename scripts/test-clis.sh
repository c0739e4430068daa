#!/usr/bin/env bash
# The go test part of make test: unit tests once, acceptance tests (TestAcc*) once per CLI, and the
# provider's once more on keywordsai's newer API generation.
#   - Every test that is not TestAcc* runs once, on the oldest Terraform: unit, mock and platform client
#     tests, and the demo and bench smoke tests, which test our scripts rather than a CLI's behaviour.
#   - TestAcc* tests drive a CLI through plan, apply, import and refresh, so they run on each CLI in
#     LLM_TEST_CLIS (default: all three; CI never sets it), each run under a banner that names the CLI.
# The CLI paths are exported as LLM_TEST_TERRAFORM_OLDEST, LLM_TEST_TERRAFORM_NEWEST and LLM_TEST_TOFU for
# tests that need one CLI in particular; one already set in the environment is used as it is. With
# LLM_TEST_CLIS set, only the oldest Terraform and the CLIs named are resolved, so such a test should skip
# when its variable is empty.
# Expects TF_CLI_CONFIG_FILE to point at the test CLI configuration (make test writes it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
all_clis="terraform-oldest terraform-newest tofu"
clis=${LLM_TEST_CLIS:-$all_clis}
for cli in $clis; do
  case " $all_clis " in *" $cli "*) ;; *) echo "LLM_TEST_CLIS: unknown CLI '$cli' (want some of: $all_clis)" >&2; exit 2 ;; esac
done

# Resolves the CLIs: the oldest Terraform always (the once-only tests and the docs use it), the others
# when they are in the set.
cli_var() {
  case "$1" in
    terraform-oldest) echo LLM_TEST_TERRAFORM_OLDEST ;;
    terraform-newest) echo LLM_TEST_TERRAFORM_NEWEST ;;
    tofu) echo LLM_TEST_TOFU ;;
  esac
}
for cli in $all_clis; do
  var=$(cli_var "$cli")
  if [ -n "${!var:-}" ]; then export "${var?}"; continue; fi
  case " terraform-oldest $clis " in *" $cli "*) ;; *) continue ;; esac
  path=$(scripts/ensure-cli.sh "$cli")
  export "$var=$path"
done

# "terraform 1.11.4" or "tofu 1.12.6": the name a banner and a failure use.
cli_label() {
  local v
  v=$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -1)
  # The output is read whole before matching: grep -q in a pipe exits at the first match, and under
  # pipefail the CLI's SIGPIPE on its next line would make an OpenTofu look like Terraform. It is
  # matched anywhere, since a warning about a missing CLI configuration file comes first on stdout.
  if [[ $("$1" version 2>/dev/null) == *OpenTofu* ]]; then echo "tofu $v"; else echo "terraform $v"; fi
}

export TF_ACC=1 CHECKPOINT_DISABLE=1
# The packages that hold acceptance tests, so the per-CLI runs build and list no others.
acc_pkgs=$(grep -rl --include='*_test.go' '^func TestAcc' internal | xargs -n1 dirname | sort -u | sed 's|^|./|')
failed=()
oldest=$LLM_TEST_TERRAFORM_OLDEST
label=$(cli_label "$oldest")
echo "=== unit tests, demo and bench smoke tests (once, on $label: $oldest) ==="
if ! TF_ACC_TERRAFORM_PATH=$oldest go test -count=1 -timeout 40m -parallel 4 -skip '^TestAcc' ./...; then
  failed+=("FAIL: unit tests (run on $label)")
fi
# The benchmark harness is a module of its own (internal/benchtool/go.mod): its unit tests and the
# bench smoke test.
if ! (cd internal/benchtool && TF_ACC_TERRAFORM_PATH=$oldest go test -count=1 -timeout 40m ./...); then
  failed+=("FAIL: benchmark harness tests (run on $label)")
fi

for cli in $clis; do
  var=$(cli_var "$cli")
  path=${!var}
  label=$(cli_label "$path")
  env=(TF_ACC_TERRAFORM_PATH="$path")
  # terraform-plugin-testing serves the provider under registry.terraform.io unless told otherwise, and
  # OpenTofu reads "llm" as registry.opentofu.org/hashicorp/llm: init would look for it in a registry.
  case "$label" in tofu*) env+=(TF_ACC_PROVIDER_HOST=registry.opentofu.org) ;; esac
  echo "=== acceptance tests on $label ($path) ==="
  # shellcheck disable=SC2086 # acc_pkgs is a list of packages.
  if ! env "${env[@]}" go test -count=1 -timeout 40m -parallel 4 -run '^TestAcc' $acc_pkgs; then
    failed+=("FAIL on $label")
  fi
done

# The provider's acceptance tests once more against Respan's newer keywordsai API generation (v2), on
# the oldest Terraform: the same tests, the mock answering as v2 and the keywordsai provider blocks
# naming it (apiVersionLine in internal/provider). The mock's own tests pin their generation.
oldest_label=$(cli_label "$oldest")
echo "=== provider acceptance tests on keywordsai v2 ($oldest_label) ==="
if ! TF_ACC_TERRAFORM_PATH=$oldest LLM_MOCK_KEYWORDSAI_GENERATION=v2 go test -count=1 -timeout 40m -parallel 4 -run '^TestAcc' ./internal/provider; then
  failed+=("FAIL: provider acceptance tests on keywordsai v2 (run on $oldest_label)")
fi

echo "=== summary ==="
if [ ${#failed[@]} -eq 0 ]; then
  echo "PASS: unit tests once; acceptance tests on: $(for cli in $clis; do v=$(cli_var "$cli"); cli_label "${!v}"; done | paste -sd, | sed 's/,/, /g'); provider acceptance tests on keywordsai v2"
  exit 0
fi
printf '%s\n' "${failed[@]}"
exit 1
