#!/usr/bin/env bash
# Builds Terraform from source through the Go module proxy, for machines with no terraform >= 1.11
# on PATH. Terraform's releases site is not reachable from every machine, but the proxy is.
# `go install github.com/hashicorp/terraform@v` refuses modules with replace directives, and the
# replaced local submodules are not part of the module zip, so they are fetched at the release
# commit and put back in place before building.
# Usage: scripts/install-terraform.sh DEST_DIR   (writes DEST_DIR/terraform)
set -euo pipefail
dest=${1:?usage: install-terraform.sh DEST_DIR}
version=v1.11.4
# The commit of v1.11.4, as a Go pseudo-version (the release time and the commit hash).
commit_pseudo=v0.0.0-20250409131005-35645b8fca68
mkdir -p "$dest"
if [ -x "$dest/terraform" ]; then exit 0; fi
export GOFLAGS=-mod=mod
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
src=$(go mod download -json "github.com/hashicorp/terraform@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
cp -r "$src" "$work/terraform"
chmod -R u+w "$work/terraform"
# Newer Go toolchains reject godebug settings that older releases declared (tlskyber).
sed -i '/^godebug/d' "$work/terraform/go.mod"
for sub in $(sed -n 's#^replace github.com/hashicorp/terraform/\([^ ]*\) => \./.*#\1#p' "$work/terraform/go.mod"); do
  subdir=$(go mod download -json "github.com/hashicorp/terraform/$sub@$commit_pseudo" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$work/terraform/$sub"
  cp -r "$subdir" "$work/terraform/$sub"
done
chmod -R u+w "$work/terraform"
(cd "$work/terraform" && CGO_ENABLED=0 go build -trimpath -o "$dest/terraform" .)
"$dest/terraform" version
