#!/bin/sh
# What `make bench` alone needs beyond `make setup`: XeLaTeX for the pandoc → xelatex peer
# (benchmarks/build.py): Debian's texlive-xetex, with lmodern (pandoc's LaTeX template loads it) and the
# standard fonts (hyperref's links in XeTeX load ZapfDingbats), some 300 MB: neither `make` nor
# `make test` installs them. As root this uses apt-get; otherwise it names what is missing, and the
# benchmark reports the peer as not available.
set -eu
PACKAGES="texlive-xetex texlive-latex-recommended texlive-fonts-recommended lmodern"
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing the benchmark's system packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "the pandoc → xelatex peer needs:$missing (sudo apt-get install$missing); measured without it" >&2
fi
