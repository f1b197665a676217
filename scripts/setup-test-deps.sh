#!/usr/bin/env bash
# setup-test-deps.sh installs what the test suite needs beyond Go, and nothing
# when it is already there. `make test` runs it first; it is idempotent and
# prints nothing unless it installs something or fails.
#
# To add a dependency, add it to a list below (and say in the test that uses it
# why it is needed):
#   APT_PACKAGES  Debian packages, e.g. a browser or media tool for end-to-end tests.
#   NPM_DIRS      directories (relative to the repository root) holding a
#                 package.json and a committed package-lock.json; `npm ci` fills
#                 their node_modules.
set -euo pipefail

APT_PACKAGES=(
	ffmpeg   # app/video, cmd/ndnflow video tests: packaging and ffprobe
	chromium # cmd/ndnflow video test: headless player page with hls.js
	iproute2 # bench/topo, face: ip netns, veth, bridges and tc for multi-node and Ethernet tests
)
NPM_DIRS=(
	app/video/testdata/player # hls.js served offline to the headless browser
	interop/ndnts             # NDNts, for every NDNts test: interop peers, ndn, ndn/mgmt and security cross-checks (internal/ndntspeer)
)

# The NDNts interop tests need Node.js; machines of this kind ship it, but a
# bare Debian one gets Debian's.
command -v node >/dev/null || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null || APT_PACKAGES+=(npm)

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run executes a command with its output captured, printing it only on failure.
run() {
	if ! "$@" >"$log" 2>&1; then
		echo "setup-test-deps: failed: $*" >&2
		cat "$log" >&2
		exit 1
	fi
}

install_apt() {
	local missing=() p
	for p in "${APT_PACKAGES[@]}"; do
		dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$' || missing+=("$p")
	done
	((${#missing[@]} > 0)) || return 0

	local sudo=()
	if [[ $(id -u) != 0 ]]; then
		sudo=(sudo -n)
	fi
	echo "setup-test-deps: installing Debian packages: ${missing[*]}"
	run "${sudo[@]}" apt-get update -qq
	run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# install_npm runs `npm ci` in each NPM_DIRS entry whose node_modules is
# missing or was installed from a different package-lock.json. A stamp file in
# node_modules records the lock file's hash.
install_npm() {
	local dir sum stamp
	for dir in "${NPM_DIRS[@]}"; do
		if [[ ! -f $dir/package-lock.json ]]; then
			echo "setup-test-deps: $dir/package-lock.json is missing; commit one (npm install --package-lock-only)" >&2
			exit 1
		fi
		sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
		stamp=$dir/node_modules/.ndnflow-lock-sha256
		if [[ -d $dir/node_modules && $(cat "$stamp" 2>/dev/null) == "$sum" ]]; then
			continue
		fi
		if ! command -v npm >/dev/null; then
			echo "setup-test-deps: npm is needed for $dir; install Node.js and npm" >&2
			exit 1
		fi
		echo "setup-test-deps: npm ci in $dir"
		run npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
		mkdir -p "$dir/node_modules" # npm ci creates none when there are no dependencies
		echo "$sum" >"$stamp"
	done
}

install_apt
install_npm
