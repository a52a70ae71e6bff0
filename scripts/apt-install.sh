#!/bin/sh
# Installs the Debian packages named after WHAT that are not installed yet (apt-get, as root), or names
# them. Used by system-deps.sh (REQUIRED=1: a missing package stops `make`) and bench-deps.sh (a missing
# package only leaves its peer out of the benchmark).
# Usage: apt-install.sh REQUIRED WHAT PACKAGE...
set -eu
required=$1 what=$2
shift 2
missing=""
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing $what:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "$what missing:$missing (install them as root, e.g.: sudo apt-get install$missing)" >&2
  [ "$required" = 1 ] && exit 1
  exit 0
fi
