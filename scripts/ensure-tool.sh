#!/usr/bin/env bash
# Prints the path of a pinned development tool, building it with the Go toolchain the first time:
#   scripts/ensure-tool.sh goreleaser|actionlint|golangci-lint
# No binary is downloaded: `go install module@version` builds the tool from the Go module proxy into
# ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-llm/tools/NAME-VERSION/, outside the clone, so every
# clone on the machine (and CI's cache) reuses it. Bumping a pin here builds the new version next time.
set -euo pipefail
# The pins. .github/workflows/release.yml runs the same goreleaser version (make lint-workflows checks it).
goreleaser_version=v2.15.1
actionlint_version=v1.7.12
golangci_lint_version=v2.15.0
if [ "${1:-}" = --version ]; then
	# scripts/ensure-tool.sh --version NAME: the pinned version alone.
	case ${2:-} in
	goreleaser) echo "$goreleaser_version" ;;
	actionlint) echo "$actionlint_version" ;;
	golangci-lint) echo "$golangci_lint_version" ;;
	*) echo "ensure-tool: unknown tool '${2:-}'" >&2; exit 2 ;;
	esac
	exit 0
fi
case ${1:-} in
goreleaser) pkg=github.com/goreleaser/goreleaser/v2 version=$goreleaser_version ;;
actionlint) pkg=github.com/rhysd/actionlint/cmd/actionlint version=$actionlint_version ;;
golangci-lint) pkg=github.com/golangci/golangci-lint/v2/cmd/golangci-lint version=$golangci_lint_version ;;
*)
	echo "usage: $0 goreleaser|actionlint|golangci-lint  (or --version NAME)" >&2
	exit 2
	;;
esac
name=$1
cache=${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-llm/tools
dir=$cache/$name-$version
bin=$dir/$name
if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
command -v go >/dev/null || { echo "ensure-tool: go is not on PATH" >&2; exit 1; }
echo "ensure-tool: building $name $version with go install (once; cached in $dir)" >&2
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.$name-$version.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
# Outside any module, so neither this repository's go.mod nor a go.work takes part; GOFLAGS from the
# environment (such as -mod=vendor) would not apply to a module@version build either.
started=$SECONDS
(cd "$tmp" && GOBIN="$tmp" GOFLAGS='' GOWORK=off CGO_ENABLED=0 go install "$pkg@$version") >&2
[ -x "$tmp/$name" ] || { echo "ensure-tool: go install $pkg@$version produced no $name" >&2; exit 1; }
# Another build may have finished first: either result is the same pinned version.
mkdir -p "$dir"
mv -f "$tmp/$name" "$bin"
echo "ensure-tool: built $name $version in $((SECONDS - started))s" >&2
echo "$bin"
