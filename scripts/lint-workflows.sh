#!/usr/bin/env bash
# make lint-workflows: actionlint (pinned, built with go install by ensure-tool.sh) on .github/workflows,
# so a broken workflow fails here rather than after a push; with shellcheck on PATH (GitHub's runners
# have it; Debian: apt-get install shellcheck) it also checks every run: script. Then a check that the
# release workflow runs the goreleaser version make release-check tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
actionlint=$(scripts/ensure-tool.sh actionlint)
if command -v shellcheck >/dev/null; then
	note="run: scripts checked with $(command -v shellcheck)"
else
	note="shellcheck not on PATH: run: scripts not checked here (CI checks them)"
fi
"$actionlint" -no-color
want=$(scripts/ensure-tool.sh --version goreleaser)
got=$(sed -n "s/^[[:space:]]*version:[[:space:]]*['\"]\{0,1\}\(v[0-9][^'\"[:space:]]*\).*/\1/p" .github/workflows/release.yml)
if [ "$got" != "$want" ]; then
	echo "lint-workflows: .github/workflows/release.yml runs goreleaser '${got:-unset}', make release-check tests $want: make them agree" >&2
	exit 1
fi
echo "workflows: actionlint $(scripts/ensure-tool.sh --version actionlint) passed on $(find .github/workflows -name '*.y*ml' | wc -l | tr -d ' ') files; $note; release.yml runs goreleaser $want"
