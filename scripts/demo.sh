#!/usr/bin/env bash
# make demo: the whole life of llm_provider records on all four platforms, against a local llm-mock,
# with no account anywhere. Builds the Terraform provider, points Terraform at that build through a
# generated CLI config (dev_overrides), applies demo/, changes one value, catches a drift, destroys,
# and, when a Terraform >= 1.14 is at hand, adopts records made outside Terraform with terraform query.
# Everything lives in one temporary directory that is removed on exit, failure and Ctrl-C alike.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
started=$SECONDS
work=""
mock_pid=""
step="setup"
cleaned=""

header() {
	step=${1%% *}
	printf '\n==> %s\n' "$*"
}
say() { printf '    %s\n' "$*"; }
fail() {
	printf 'demo: FAILED in step %s: %s\n' "$step" "$*" >&2
	exit 1
}

# cleanup stops the mock and removes the work directory; it runs once, on every way out.
cleanup() {
	local status=$?
	[ -n "$cleaned" ] && return 0
	cleaned=1
	trap - EXIT INT TERM HUP
	if [ -n "$mock_pid" ]; then
		kill -TERM "$mock_pid" 2>/dev/null || true
		# The mock exits at once on SIGTERM; one stuck for 5s is killed. An exited mock stays a zombie
		# until waited for, so ask ps for its state rather than kill -0.
		for _ in $(seq 50); do
			case $(ps -o stat= -p "$mock_pid" 2>/dev/null || true) in
			"" | Z*) break ;;
			esac
			sleep 0.1
		done
		kill -KILL "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
	if [ "$status" -eq 1 ] && [ -n "$work" ] && [ -s "$work/tf.out" ]; then
		echo "demo: last Terraform output:" >&2
		tail -n 25 "$work/tf.out" | sed 's/^/    | /' >&2
	fi
	if [ -n "$work" ]; then
		rm -rf -- "$work"
	fi
	echo "demo: cleaned up: llm-mock stopped, ${work:-no workdir} removed"
	return 0
}
interrupted() {
	printf 'demo: interrupted in step %s\n' "$step" >&2
	exit 130
}
trap 'cleanup' EXIT
trap 'interrupted' INT
trap 'printf "demo: terminated in step %s\n" "$step" >&2; exit 143' TERM
trap 'printf "demo: hung up in step %s\n" "$step" >&2; exit 129' HUP

# run_tf runs terraform in the work copy of demo/; its output is left in $work/tf.out.
run_tf() {
	local rc=0
	"$tf" -chdir="$work/config" "$@" >"$work/tf.out" 2>&1 || rc=$?
	# Terraform handles Ctrl-C itself (and may even finish), so bash runs no INT trap: recognise it here.
	if grep -q 'Interrupt received' "$work/tf.out"; then
		interrupted
	fi
	return "$rc"
}

# tf_lines prints the lines of the last terraform output that match a pattern, indented and trimmed.
tf_lines() {
	grep -E -- "$1" "$work/tf.out" | sed -E 's/^[[:space:]]+//; s/[[:space:]]+/ /g; s/^/    /' || true
}

# journal_writes prints the requests the mock received that change something, one per line.
journal_writes() {
	curl -fsS "$mock/_mock/requests" >"$work/journal.json" || fail "cannot read the mock's request journal"
	if command -v python3 >/dev/null; then
		python3 - "$work/journal.json" <<-'PY'
			import json, sys
			for e in json.load(open(sys.argv[1])):
			    if e["method"] != "GET":
			        body = "" if e.get("body") is None else " " + json.dumps(e["body"], sort_keys=True)
			        print(f'{e["platform"]} received {e["method"]} {e["path"]}{body}')
		PY
	elif command -v jq >/dev/null; then
		jq -r '.[] | select(.method != "GET") | "\(.platform) received \(.method) \(.path)" + (if .body == null then "" else " " + (.body | tojson) end)' "$work/journal.json"
	else
		fail "python3 or jq is needed to read the mock's request journal"
	fi
}

clear_journal() {
	curl -fsS -X DELETE "$mock/_mock/requests" >/dev/null || fail "cannot clear the mock's request journal"
}

# The Terraform that make test builds for its newest-version run; the demo only ever uses it.
cached_tf="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-llm/cli/terraform-1.16.3/terraform"

# query_terraform prints the first Terraform >= 1.14 (which has terraform query) among the one the
# demo runs, the one on PATH and the one make test builds; it fails when there is none.
query_terraform() {
	local c v major rest minor
	for c in "$tf" "$(command -v terraform 2>/dev/null || true)" "$cached_tf"; do
		[ -n "$c" ] && [ -x "$c" ] || continue
		[[ $("$c" version 2>/dev/null) == *OpenTofu* ]] && continue
		v=$("$c" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p' | head -n 1)
		[ -n "$v" ] || continue
		major=${v%%.*} rest=${v#*.}
		minor=${rest%%.*}
		if [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 14 ]; }; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# run_query_step makes two barndoor records by hand, lists the platform with terraform query, writes
# their configuration with -generate-config-out, and shows that the plan only imports them.
run_query_step() {
	local name mp status
	for name in anthropic-by-hand:anthropic mistral-by-hand:mistral; do
		mp=${name#*:} name=${name%%:*}
		status=$(curl -sS -o "$work/curl.out" -w '%{http_code}' -X POST \
			-H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
			-d "{\"name\":\"$name\",\"model_provider\":\"$mp\",\"api_key\":\"sk-by-hand\"}" \
			"$mock/api/llm-gateway/admin/providers") || fail "out-of-band create failed"
		[ "$status" = 201 ] || [ "$status" = 200 ] || fail "out-of-band create answered HTTP $status: $(cat "$work/curl.out")"
	done
	say "out of band: two barndoor records made by hand, which no Terraform configuration manages"
	say "terraform: $qtf ($("$qtf" version 2>/dev/null | head -n 1))"
	mkdir -p "$work/adopt"
	cat >"$work/adopt/main.tf" <<-EOF
		terraform {
		  required_providers {
		    llm = {
		      source = "llmconfig/llm"
		    }
		  }
		}

		provider "llm" {
		  platform = "barndoor"
		  endpoint = "$mock/api/llm-gateway"
		}
	EOF
	cat >"$work/adopt/adopt.tfquery.hcl" <<-EOF
		list "llm_provider" "barndoor" {
		  provider         = llm
		  include_resource = true
		}
	EOF
	local rc=0
	LLM_TOKEN=$token "$qtf" -chdir="$work/adopt" query -no-color >"$work/tf.out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || fail "terraform query failed"
	say "terraform query lists what is on the platform:"
	tf_lines 'list\.llm_provider'
	rc=0
	LLM_TOKEN=$token "$qtf" -chdir="$work/adopt" query -no-color -generate-config-out=generated.tf >"$work/tf.out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || fail "terraform query -generate-config-out failed"
	say "terraform query -generate-config-out=generated.tf wrote $(grep -c '^resource "llm_provider"' "$work/adopt/generated.tf") resource and $(grep -c '^import {' "$work/adopt/generated.tf") import blocks:"
	grep -E '^(resource|import)|^  (name|model_provider|to) ' "$work/adopt/generated.tf" | sed -E 's/[[:space:]]+/ /g; s/^ /  /; s/^/      /'
	clear_journal
	rc=0
	LLM_TOKEN=$token "$qtf" -chdir="$work/adopt" plan -no-color -input=false -detailed-exitcode >"$work/tf.out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "terraform plan of the generated configuration exited $rc, want 2 (imports)"
	tf_lines '^Plan:'
	[ -z "$(journal_writes)" ] || fail "planning the imports sent a write to the platform"
	say "the plan only imports (nothing is sent until apply); secrets are not read back: add api_key_wo after the import"
}

# ---------------------------------------------------------------------------------------------
header "1/7 build the Terraform provider and llm-mock, start the mock on a free loopback port"
work=$(mktemp -d "${TMPDIR:-/tmp}/llm-demo.XXXXXX")
echo "demo: workdir $work"
command -v go >/dev/null || fail "go is not on PATH"
command -v curl >/dev/null || fail "curl is not on PATH"
mkdir -p "$work/bin" "$work/config"
# One go build for both: with -o a directory, each binary is named after its package.
(cd "$root" && go build -o "$work/bin/" . ./internal/mockserver/cmd/llm-mock) || fail "go build failed"
[ -x "$work/bin/terraform-provider-llm" ] && [ -x "$work/bin/llm-mock" ] || fail "go build did not produce both binaries"
say "built terraform-provider-llm and llm-mock into $work/bin"

token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
# The mock gets a process group of its own (set -m), so a Ctrl-C reaches Terraform, which stops
# gracefully while the mock still answers; cleanup stops the mock afterwards.
set -m
"$work/bin/llm-mock" --listen 127.0.0.1:0 --token "$token" >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
set +m
mock=""
for _ in $(seq 100); do
	if [ -s "$work/mock.out" ]; then
		mock=$(head -n 1 "$work/mock.out")
		break
	fi
	kill -0 "$mock_pid" 2>/dev/null || fail "llm-mock exited: $(cat "$work/mock.err")"
	sleep 0.1
done
[[ $mock == http://127.0.0.1:* ]] || fail "llm-mock did not print its URL within 10s (got '${mock}')"
say "llm-mock (pid $mock_pid) serves all four platforms at $mock"

# ---------------------------------------------------------------------------------------------
header "2/7 point Terraform at the local build (dev_overrides in a generated CLI config)"
tf=${TF_ACC_TERRAFORM_PATH:-}
if [ -z "$tf" ]; then
	tf=$("$root/scripts/ensure-terraform.sh") || fail "no terraform >= 1.11 (see the message above)"
fi
cat >"$work/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/llmconfig/llm" = "$work/bin"
  }
  direct {}
}
EOF
# Always our own CLI config: a user's may point elsewhere, or at a file that does not exist.
export TF_CLI_CONFIG_FILE="$work/terraform.rc"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_CLI_ARGS_destroy TF_DATA_DIR TF_WORKSPACE
cp "$root"/demo/*.tf "$work/config/"
say "terraform: $tf ($("$tf" version 2>/dev/null | head -n 1))"
say "TF_CLI_CONFIG_FILE=$work/terraform.rc: registry.terraform.io/llmconfig/llm -> $work/bin (no terraform init needed)"
say "configuration: demo/*.tf copied to $work/config, so no state or .terraform lands in the repository"

# The demo's variables, as a user would export them; every platform gets the mock and its token.
export TF_VAR_refactor_endpoint="$mock/api" TF_VAR_refactor_token="$token"
export TF_VAR_flashback_endpoint="$mock" TF_VAR_flashback_token="$token"
export TF_VAR_barndoor_endpoint="$mock/api/llm-gateway" TF_VAR_barndoor_token="$token"
export TF_VAR_keywordsai_endpoint="$mock" TF_VAR_keywordsai_token="$token"
openai_key="sk-demo-openai-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
export TF_VAR_openai_api_key="$openai_key"
export TF_VAR_anthropic_api_key="sk-ant-demo-key" TF_VAR_anthropic_secret="demo-flashback-secret"
export TF_VAR_groq_api_key="gsk-demo-key"

# ---------------------------------------------------------------------------------------------
header "3/7 terraform apply: one llm_provider record on each of the four platforms"
run_tf apply -no-color -input=false -auto-approve || fail "terraform apply failed"
tf_lines 'Creation complete|Apply complete'
grep -qF -- "$openai_key" "$work/config/terraform.tfstate" "$work/tf.out" &&
	fail "the write-only OpenAI key shows in the state or in Terraform's output"
say "the OpenAI key (api_key_wo, write-only) is in neither Terraform's output nor the state"

# ---------------------------------------------------------------------------------------------
header "4/7 change one value: barndoor_request_timeout = 900 (was 1800), apply again"
echo 'barndoor_request_timeout = 900' >"$work/config/terraform.tfvars"
say "terraform.tfvars: barndoor_request_timeout = 900"
clear_journal
run_tf apply -no-color -input=false -auto-approve || fail "terraform apply of the change failed"
tf_lines '^[[:space:]]+~ request_timeout_secs|Modifications complete|Apply complete'
writes=$(journal_writes)
[ -n "$writes" ] || fail "the platform received no update request"
[ "$(printf '%s\n' "$writes" | wc -l)" -eq 1 ] || fail "expected one update request, got: $writes"
say "update request: $writes"

# ---------------------------------------------------------------------------------------------
header "5/7 drift: rename the barndoor record out of band, terraform plan -detailed-exitcode catches it"
# Only stdout: Terraform writes its warnings (such as the dev_overrides one) to stderr.
barndoor_id=$("$tf" -chdir="$work/config" output -raw barndoor_id 2>"$work/tf.out") || fail "terraform output failed"
[[ $barndoor_id =~ ^[0-9a-f-]{36}$ ]] || fail "terraform output barndoor_id is not a UUID: '$barndoor_id'"
code=0
run_tf plan -no-color -input=false -detailed-exitcode || code=$?
[ "$code" -eq 0 ] || fail "plan before the out-of-band change exited $code, want 0 (no changes)"
say "plan before: exit code 0 (no changes)"
status=$(curl -sS -o "$work/curl.out" -w '%{http_code}' -X PUT \
	-H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-d '{"name":"renamed-by-hand"}' "$mock/api/llm-gateway/admin/providers/$barndoor_id") ||
	fail "out-of-band request failed"
[ "$status" = 200 ] || fail "out-of-band rename answered HTTP $status: $(cat "$work/curl.out")"
say "out of band: PUT /api/llm-gateway/admin/providers/$barndoor_id {\"name\":\"renamed-by-hand\"} -> HTTP $status"
code=0
run_tf plan -no-color -input=false -detailed-exitcode || code=$?
[ "$code" -eq 2 ] || fail "plan after the out-of-band change exited $code, want 2 (changes present)"
say "plan after: exit code 2 (drift detected)"
tf_lines 'will be updated in-place|^[[:space:]]+~ name[[:space:]]+=.*-> "demo-openai"|^Plan:'

# ---------------------------------------------------------------------------------------------
header "6/7 terraform destroy"
clear_journal
run_tf destroy -no-color -input=false -auto-approve || fail "terraform destroy failed"
tf_lines 'Destroy complete'
deletes=$(journal_writes | grep -c ' received DELETE ' || true)
[ "$deletes" -eq 4 ] || fail "expected 4 DELETE requests, the platforms received $deletes"
say "the platforms received $deletes DELETE requests"

# ---------------------------------------------------------------------------------------------
header "7/7 terraform query: find records made outside Terraform, generate their configuration"
if qtf=$(query_terraform); then
	run_query_step
else
	say "skipped: terraform query needs Terraform >= 1.14, and none is on PATH or at $cached_tf (make test builds one; the demo never does)"
fi
cleanup
printf '\n==> demo complete in %ds\n' "$((SECONDS - started))"
