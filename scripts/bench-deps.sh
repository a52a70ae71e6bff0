#!/bin/sh
# What `make bench` alone needs beyond `make setup`: XeLaTeX for the pandoc → xelatex peer
# (benchmarks/build.py): Debian's texlive-xetex, with lmodern (pandoc's LaTeX template loads it) and the
# standard fonts (hyperref's links in XeTeX load ZapfDingbats), some 300 MB: neither `make` nor
# `make test` installs them. As root this uses apt-get; otherwise it names what is missing, and the
# benchmark reports the peer as not available.
set -eu
PACKAGES="texlive-xetex texlive-latex-recommended texlive-fonts-recommended lmodern"
# shellcheck disable=SC2086
exec sh "$(dirname "$0")/apt-install.sh" 0 "the pandoc → xelatex peer's packages (measured without it)" $PACKAGES
