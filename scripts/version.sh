#!/usr/bin/env bash
# Prints the version `make install` builds, as a semantic version that Terraform and OpenTofu accept in
# a filesystem mirror and select without a version constraint (so never a pre-release such as 0.1.0-dev,
# which `source = "llmconfig/llm"` alone would not match):
#   - on a clean checkout of a release tag vX.Y.Z:  X.Y.Z
#   - otherwise: the last release tag's X.Y.Z (or the VERSION file before the first tag), plus build
#     metadata naming the commit: 0.1.0+dev.17.g83add4a, with .dirty when the working tree has changes.
# Build metadata does not change a version's precedence: `make install` removes earlier +dev builds
# from the mirror, so only one is ever found.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
semver='^[0-9]+\.[0-9]+\.[0-9]+$'
base=$(tr -d ' \t\r\n' <VERSION)
[[ $base =~ $semver ]] || { echo "version.sh: VERSION holds '$base', not X.Y.Z" >&2; exit 1; }
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "$base+dev" # a source archive, not a clone
	exit 0
fi
dirty=""
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	dirty=".dirty"
fi
hash=$(git rev-parse --short=7 HEAD)
if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null) && [[ ${tag#v} =~ $semver ]]; then
	commits=$(git rev-list --count "$tag..HEAD")
	if [ "$commits" -eq 0 ] && [ -z "$dirty" ]; then
		echo "${tag#v}"
		exit 0
	fi
	base=${tag#v}
else
	commits=$(git rev-list --count HEAD)
fi
echo "$base+dev.$commits.g$hash$dirty"
