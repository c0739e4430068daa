#!/usr/bin/env bash
# Prints the path of a terraform >= 1.11 (needed for write-only attributes): the one on PATH when
# it is recent enough, otherwise one built from source into .tmp/terraform (see install-terraform.sh).
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
local_tf="$root/.tmp/terraform/terraform"
if [ -x "$local_tf" ] && version_ok "$local_tf"; then
  echo "$local_tf"; exit 0
fi
echo "No terraform >= 1.11 on PATH; building Terraform v1.11.4 from source through the Go module proxy into .tmp/terraform (a few minutes, once)." >&2
if "$root/scripts/install-terraform.sh" "$root/.tmp/terraform" >&2 && version_ok "$local_tf"; then
  echo "$local_tf"; exit 0
fi
cat >&2 <<'MSG'
error: no terraform >= 1.11 found, and building one from source failed.
Install Terraform 1.11 or newer (https://developer.hashicorp.com/terraform/install) and put it on PATH,
or point TF_ACC_TERRAFORM_PATH at a terraform >= 1.11 binary, then run the command again.
MSG
exit 1
