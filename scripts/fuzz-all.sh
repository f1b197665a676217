#!/usr/bin/env bash
# fuzz-all.sh finds every fuzz target in the module (func FuzzXxx(f *testing.F)
# in any _test.go file) and fuzzes each for FUZZTIME (default 3s). It runs all
# targets even after a failure, prints one summary line and exits non-zero if
# any target failed. A failing input is saved by go test under the package's
# testdata/fuzz/<Target>/; commit it so the case stays in the regression suite.
#
#   FUZZTIME=30s scripts/fuzz-all.sh        # longer pass
#   FUZZTIME=200x scripts/fuzz-all.sh       # a fixed number of inputs per target
set -euo pipefail

fuzztime=${FUZZTIME:-3s}
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Packages with a "func Fuzz" in their test files; `go test -list` then names
# exactly the targets that build on this platform.
mapfile -t pkgs < <(go list -e -f '{{.ImportPath}}{{range .TestGoFiles}} {{$.Dir}}/{{.}}{{end}}{{range .XTestGoFiles}} {{$.Dir}}/{{.}}{{end}}' ./... |
	while read -r pkg files; do
		[[ -n $files ]] && grep -qs '^func Fuzz' $files && echo "$pkg"
	done || true)

targets=0 failed=()
for pkg in "${pkgs[@]}"; do
	if ! names=$(go test -list '^Fuzz' "$pkg" 2>&1); then
		echo "$names"
		failed+=("$pkg (does not build)")
		continue
	fi
	for name in $(grep -E '^Fuzz' <<<"$names"); do
		targets=$((targets + 1))
		if out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" 2>&1); then
			echo "fuzz ok   $pkg $name"
		else
			echo "fuzz FAIL $pkg $name"
			echo "$out"
			failed+=("$pkg.$name")
		fi
	done
done

echo "fuzz-all: ${#failed[@]} failed of $targets fuzz targets in ${#pkgs[@]} packages (FUZZTIME=$fuzztime)"
if ((${#failed[@]} > 0)); then
	printf '  failed: %s\n' "${failed[@]}"
	exit 1
fi
