#!/usr/bin/env bash
# make release-check: the release configuration works, before a tag finds out that it does not.
#  1. goreleaser check on .goreleaser.yml (the pinned goreleaser, built with go install by ensure-tool.sh).
#  2. A snapshot release of this machine's OS/arch only, without signing, into a temporary directory.
#  3. What the Terraform Registry needs from it: terraform-provider-llm_VERSION_OS_ARCH.zip holding the
#     binary terraform-provider-llm_vVERSION (runnable, version stamped in), and
#     terraform-provider-llm_VERSION_SHA256SUMS listing the zip and terraform-provider-llm_VERSION_manifest.json,
#     with checksums that match.
#  4. The checkout is left as it was (git status, before and after).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
project=terraform-provider-llm
started=$SECONDS
fail() {
	echo "release-check: FAILED: $*" >&2
	exit 1
}
goreleaser=$(scripts/ensure-tool.sh goreleaser)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/llm-release-check.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
status_before=$(git status --porcelain --untracked-files=all)

"$goreleaser" check >"$tmp/check.log" 2>&1 || {
	cat "$tmp/check.log" >&2
	fail "goreleaser check rejected .goreleaser.yml"
}

# `goreleaser release` has no --single-target (only `goreleaser build` has): the snapshot's copy of the
# configuration gives every build a `targets` list of this machine's OS/arch alone, which overrides
# goos/goarch/ignore, and a `dist` outside the checkout. Everything else is the checked-in configuration.
dist=$tmp/dist
goos=$(go env GOOS)
goarch=$(go env GOARCH)
exe=""
[ "$goos" = windows ] && exe=.exe
awk -v target="${goos}_$goarch" '
	/^[^ #]/ { inbuilds = ($0 ~ /^builds:/) }
	/^dist:/ { next }
	inbuilds && /^  - / { print "  - targets: [" target "]"; sub(/^  - /, "    ") }
	{ print }
' .goreleaser.yml >"$tmp/goreleaser.yml"
printf '\ndist: %s\n' "$dist" >>"$tmp/goreleaser.yml"
if ! "$goreleaser" release --snapshot --clean --skip=sign,publish,announce \
	--config "$tmp/goreleaser.yml" >"$tmp/release.log" 2>&1; then
	tail -n 40 "$tmp/release.log" >&2
	fail "goreleaser release --snapshot (${goos}_$goarch only) failed"
fi
built=$(find "$dist" -name '*.zip' | wc -l | tr -d ' ')
[ "$built" = 1 ] || fail "the snapshot made $built archives, want one (${goos}_$goarch)"

version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$dist/metadata.json" | head -n 1)
[ -n "$version" ] || fail "no version in $dist/metadata.json"
zip=${project}_${version}_${goos}_${goarch}.zip
sums=${project}_${version}_SHA256SUMS
manifest=${project}_${version}_manifest.json
binary=${project}_v${version}$exe

[ -f "$dist/$zip" ] || fail "no archive $zip; dist holds: $(cd "$dist" && ls)"
entries=$(unzip -Z1 "$dist/$zip")
printf '%s\n' "$entries" | grep -qxF "$binary" || fail "$zip does not hold $binary at its root; it holds: $(tr '\n' ' ' <<<"$entries")"
mkdir "$tmp/unzipped"
unzip -q "$dist/$zip" "$binary" -d "$tmp/unzipped"
[ -x "$tmp/unzipped/$binary" ] || fail "$binary in $zip is not executable"
grep -qaF "$version" "$tmp/unzipped/$binary" || fail "$binary does not hold its version $version (-X main.version)"
# Run on its own, a plugin says so and exits 1: proof it runs on this platform.
if out=$("$tmp/unzipped/$binary" 2>&1); then :; fi
[[ $out == *"This binary is a plugin"* ]] || fail "$binary did not run as a Terraform plugin: $out"

[ -f "$dist/$sums" ] || fail "no checksum file $sums; dist holds: $(cd "$dist" && ls)"
listed=$(awk '{print $2}' "$dist/$sums" | sort)
want=$(printf '%s\n' "$zip" "$manifest" | sort)
[ "$listed" = "$want" ] || fail "$sums lists [$(tr '\n' ' ' <<<"$listed")], want [$(tr '\n' ' ' <<<"$want")]"
sum_of() { sha256sum "$1" | awk '{print $1}'; }
[ "$(awk -v f="$zip" '$2 == f {print $1}' "$dist/$sums")" = "$(sum_of "$dist/$zip")" ] || fail "$sums has a wrong checksum for $zip"
[ "$(awk -v f="$manifest" '$2 == f {print $1}' "$dist/$sums")" = "$(sum_of terraform-registry-manifest.json)" ] ||
	fail "$sums has a checksum for $manifest that is not terraform-registry-manifest.json's"
grep -q '"6.0"' terraform-registry-manifest.json || fail "terraform-registry-manifest.json does not declare protocol 6.0"

status_after=$(git status --porcelain --untracked-files=all)
[ "$status_after" = "$status_before" ] || fail "the snapshot changed the checkout: $(diff <(echo "$status_before") <(echo "$status_after"))"

echo "release-check: goreleaser $("$goreleaser" --version 2>/dev/null | sed -n 's/^GitVersion:[[:space:]]*//p') check passed; snapshot $version for ${goos}_$goarch:" \
	"$zip holds $binary, $sums lists it and $manifest; checkout unchanged ($((SECONDS - started))s)"
