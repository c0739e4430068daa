#!/usr/bin/env bash
# make install: builds the Terraform provider with a real version and puts it in a local filesystem
# mirror that `terraform init` and `tofu init` search by themselves (no dev_overrides, no CLI config):
#   $PLUGIN_DIR/registry.terraform.io/llmconfig/llm/$VERSION/${GOOS}_${GOARCH}/terraform-provider-llm_v$VERSION
#   $PLUGIN_DIR/registry.opentofu.org/llmconfig/llm/$VERSION/${GOOS}_${GOARCH}/terraform-provider-llm_v$VERSION
# PLUGIN_DIR defaults to ~/.terraform.d/plugins, an implied mirror directory of both Terraform and OpenTofu
# on Linux and macOS. VERSION defaults to scripts/version.sh. Earlier +dev builds of this OS/arch are removed,
# so exactly one development build is ever found.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
namespace=llmconfig
type=llm
binary=terraform-provider-$type

version=${VERSION:-}
if [ -z "$version" ]; then
	version=$(scripts/version.sh)
fi
# Semantic version 2.0.0, as Terraform and OpenTofu parse the mirror's version directories.
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]]; then
	echo "install: VERSION '$version' is not a semantic version such as 0.1.0 or 0.1.0+dev.3.gabc1234" >&2
	exit 1
fi
plugin_dir=${PLUGIN_DIR:-}
if [ -z "$plugin_dir" ]; then
	[ -n "${HOME:-}" ] || { echo "install: HOME is not set: give PLUGIN_DIR=..." >&2; exit 1; }
	plugin_dir=$HOME/.terraform.d/plugins
fi
goos=$(go env GOOS)
goarch=$(go env GOARCH)
target=${goos}_${goarch}
exe=""
[ "$goos" = windows ] && exe=.exe

tmp=$(mktemp -d "${TMPDIR:-/tmp}/llm-install.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
# The flags of the release build (.goreleaser.yml), so a local build behaves like a released one.
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$tmp/${binary}_v$version$exe" .

for host in registry.terraform.io registry.opentofu.org; do
	base=$plugin_dir/$host/$namespace/$type
	# Earlier development builds for this target: two builds differing only in build metadata have the
	# same precedence, and Terraform would pick one of them arbitrarily.
	for old in "$base"/*+dev*/"$target"; do
		[ -d "$old" ] || continue
		[ "$old" = "$base/$version/$target" ] && continue
		rm -rf -- "$old"
		rmdir -- "$(dirname "$old")" 2>/dev/null || true
	done
	dest=$base/$version/$target
	mkdir -p "$dest"
	rm -f -- "$dest/$binary"*
	cp "$tmp/${binary}_v$version$exe" "$dest/"
	chmod 0755 "$dest/${binary}_v$version$exe"
	echo "installed $dest/${binary}_v$version$exe"
done
cat <<MSG
$namespace/$type $version is in the local mirror $plugin_dir: a configuration with
  required_providers { $type = { source = "$namespace/$type" } }
gets it from terraform init or tofu init. A directory initialised with an earlier build needs init -upgrade.
MSG
