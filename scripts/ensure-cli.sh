#!/usr/bin/env bash
# Prints the path of one of the three CLIs the tests run on, building it from source through the Go
# module proxy when it is missing (the releases sites are not reachable from every machine, the proxy is).
#   terraform-oldest   the oldest supported Terraform, 1.11.x: the one on PATH when it is 1.11.x, else v1.11.4
#   terraform-newest   the newest Terraform the proxy serves, pinned
#   tofu               OpenTofu, pinned
# Built binaries are kept outside the checkout, in
# ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-llm/cli/<product>-<version>/<binary>, so every clone
# (and a fresh CI checkout on the same machine) reuses them; the checkout gets a link in .tmp/cli/.
# Stdout: the binary path only. Stderr: one line saying what is built and why, then the build's output.
# Usage: scripts/ensure-cli.sh terraform-oldest|terraform-newest|tofu
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: ensure-cli.sh terraform-oldest|terraform-newest|tofu}

oldest_version=1.11.4
newest_version=1.16.3
tofu_version=1.12.6

case "$name" in
  terraform-oldest) product=terraform version=$oldest_version binary=terraform ;;
  terraform-newest) product=terraform version=$newest_version binary=terraform ;;
  tofu) product=tofu version=$tofu_version binary=tofu ;;
  *) echo "ensure-cli.sh: unknown CLI '$name' (want terraform-oldest, terraform-newest or tofu)" >&2; exit 2 ;;
esac

# The version a binary reports ("1.11.4"), or nothing.
cli_version() {
  "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*[^"]*\)".*/\1/p' | head -1
}

if [ "$name" = terraform-oldest ] && tf=$(command -v terraform 2>/dev/null); then
  case "$(cli_version "$tf")" in 1.11.*) echo "$tf"; exit 0 ;; esac
fi

cache=${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-llm/cli/$product-$version
cached=$cache/$binary
link_dir=$root/.tmp/cli/$product-$version
link=$link_dir/$binary

publish() {
  mkdir -p "$link_dir"
  ln -sfn "$cached" "$link"
  echo "$link"
}

if [ -x "$cached" ] && [ "$(cli_version "$cached")" = "$version" ]; then
  publish; exit 0
fi

mkdir -p "$cache"
# One build at a time per CLI, even when several checkouts ask at once; the second waits, then reuses.
exec 9>"$cache/.lock"
flock 9
if [ -x "$cached" ] && [ "$(cli_version "$cached")" = "$version" ]; then
  publish; exit 0
fi

export GOFLAGS=-mod=mod CGO_ENABLED=0
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# As the release builds do: without it the binary calls itself 1.x.y-dev.
release_ldflags="-X github.com/hashicorp/terraform/version.dev=no"

# Copies module $1@$2 from the proxy into $work/src, writable, without godebug lines that newer Go rejects.
fetch_source() {
  local dir
  dir=$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "ensure-cli.sh: go mod download $1@$2 failed" >&2; exit 1; }
  cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  sed -i -e '/^godebug (/,/^)/d' -e '/^godebug /d' "$work/src/go.mod"
}

# Terraform 1.11: its replaced local submodules are not in the module zip; the proxy serves them at the
# release commit (as a pseudo-version), so they are put back in place.
build_terraform_oldest() {
  local commit_pseudo=v0.0.0-20250409131005-35645b8fca68 sub subdir
  fetch_source github.com/hashicorp/terraform "v$version"
  for sub in $(sed -n 's#^replace github.com/hashicorp/terraform/\([^ ]*\) => \./.*#\1#p' "$work/src/go.mod"); do
    subdir=$(go mod download -json "github.com/hashicorp/terraform/$sub@$commit_pseudo" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    rm -rf "${work:?}/src/$sub"
    cp -r "$subdir" "$work/src/$sub"
  done
  chmod -R u+w "$work/src"
  (cd "$work/src" && go build -trimpath -ldflags "$release_ldflags" -o "$work/$binary" .)
}

# Terraform after 1.11: the proxy refuses those submodules (internal/legacy and nine remote-state
# backends), so each becomes an empty module and the backends leave the backend list. The local, remote,
# cloud, http and inmem backends stay, which is all the tests use.
build_terraform_newest() {
  local sub alias init
  fetch_source github.com/hashicorp/terraform "v$version"
  init=$work/src/internal/backend/init/init.go
  for sub in $(sed -n 's#^replace github.com/hashicorp/terraform/\([^ ]*\) => \./.*#\1#p' "$work/src/go.mod"); do
    rm -rf "${work:?}/src/$sub"
    mkdir -p "$work/src/$sub"
    printf 'module github.com/hashicorp/terraform/%s\n\ngo 1.24\n' "$sub" >"$work/src/$sub/go.mod"
    alias=$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"github.com/hashicorp/terraform/$sub\"\$#\1#p" "$init")
    if [ -n "$alias" ]; then
      sed -i -E "/(^|[^A-Za-z0-9_])$alias([ .])/d" "$init"
    fi
  done
  (cd "$work/src" && go build -trimpath -ldflags "$release_ldflags" -o "$work/$binary" .)
}

# OpenTofu builds as released; its go.mod replaces hcl with a fork that the proxy serves.
build_tofu() {
  fetch_source github.com/opentofu/opentofu "v$version"
  (cd "$work/src" && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$work/$binary" ./cmd/tofu)
}

case "$name" in
  terraform-oldest) why="no terraform 1.11.x on PATH" ;;
  *) why="not in the cache yet" ;;
esac
echo "ensure-cli.sh: building $product $version from source through the Go module proxy into $cache ($why; a few minutes, once)" >&2
case "$name" in
  terraform-oldest) build_terraform_oldest >&2 ;;
  terraform-newest) build_terraform_newest >&2 ;;
  tofu) build_tofu >&2 ;;
esac
got=$(cli_version "$work/$binary")
if [ "$got" != "$version" ]; then
  echo "ensure-cli.sh: the $product built from source reports version '$got', not $version" >&2
  exit 1
fi
mv -f "$work/$binary" "$cached"
publish
