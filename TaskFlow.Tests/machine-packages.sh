#!/usr/bin/env bash
# What the end-to-end tests run from this machine, as Debian/Ubuntu packages: postgres (the local profile's
# database), Chromium's headless shell at $2 (the browser tests; Playwright never downloads a browser here) and node
# with npm (the AsyncAPI validator). Redis is not among them: without redis-server the AppHost runs Garnet, built with it.
#
#   machine-packages.sh install CHROMIUM   installs the missing ones with apt-get when it can (as root, or with
#                                          passwordless sudo), saying what and why; else does nothing
#   machine-packages.sh missing CHROMIUM   prints the missing ones (nothing when none is)
#
# The CheckMachinePrerequisites target (MachinePrerequisites.targets, in both test projects that start services)
# runs both before any test, and stops with one sentence naming what is still missing.
set -uo pipefail

mode=$1
chromium=$2

missing_packages() {
  local missing=()
  { command -v postgres || compgen -G "/usr/lib/postgresql/*/bin/postgres"; } >/dev/null 2>&1 || missing+=(postgresql)
  [ -x "$chromium" ] || missing+=(chromium-headless-shell)
  { command -v node && command -v npm; } >/dev/null 2>&1 || missing+=(nodejs npm)
  echo "${missing[*]}"
}

# Both test projects run this at once when the solution's tests start: one installs, the other then finds nothing
# missing.
if [ "$mode" = install ]; then
  exec 9>"${TMPDIR:-/tmp}/taskflow-machine-packages.lock"
  flock 9
fi

packages=$(missing_packages)
if [ "$mode" = missing ]; then
  echo "$packages"
  exit 0
fi
[ -z "$packages" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  exit 0
fi
command -v apt-get >/dev/null || exit 0

echo "TaskFlow.Tests: this machine lacks $packages, which the end-to-end tests run; installing: apt-get update, then apt-get install -y $packages"
# apt's messages and errors are shown; dpkg's list of what it unpacks is not.
# shellcheck disable=SC2086 # one word per package
"${as_root[@]}" apt-get update -qq 2>&1 \
  && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages 2>&1 >/dev/null \
  && echo "TaskFlow.Tests: installed $packages."
