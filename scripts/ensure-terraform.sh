#!/usr/bin/env bash
# Prints the path of a terraform >= 1.11 (needed for write-only attributes): the one on PATH when
# it is recent enough, otherwise the oldest supported Terraform from scripts/ensure-cli.sh, which
# builds it from source through the Go module proxy once and keeps it in the user's cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want_minor=11
version_ok() {
  local v
  v=$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p' | head -1)
  [ -n "$v" ] || return 1
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge "$want_minor" ]; }
}
if tf=$(command -v terraform 2>/dev/null) && version_ok "$tf"; then
  echo "$tf"; exit 0
fi
if tf=$("$root/scripts/ensure-cli.sh" terraform-oldest) && version_ok "$tf"; then
  echo "$tf"; exit 0
fi
cat >&2 <<'MSG'
error: no terraform >= 1.11 found, and building one from source failed.
Install Terraform 1.11 or newer (https://developer.hashicorp.com/terraform/install) and put it on PATH,
or point TF_ACC_TERRAFORM_PATH at a terraform >= 1.11 binary, then run the command again.
MSG
exit 1
