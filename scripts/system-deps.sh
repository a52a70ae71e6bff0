#!/bin/sh
# Install the system libraries WeasyPrint loads (Pango, HarfBuzz subsetting) and poppler-utils (pdffonts,
# pdftotext, used by the tests), biber (the tests validate the BibLaTeX export with it; 21 MB, 17 s), jing (the tests compare `edition validate` with it; the command itself
# needs no Java), ICU with a C++ compiler (PyICU, for collation and case by language, has no wheel and
# is built against the system's ICU), and what the reading site's browser tests run: Debian's Chromium (driven by
# Playwright), a Java runtime for the Nu HTML Checker and jing, and npm for the checkers themselves (the
# last two only where the machine has no java or npm of its own). As root this uses apt-get; otherwise it
# names what is missing. strace: a test lists every file a command opens. epubcheck: the tests check
# the EPUB (`edition build --epub`) with it. biber: the tests validate the BibLaTeX export with it.
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils chromium jing epubcheck libicu-dev pkg-config g++ strace biber"
command -v java >/dev/null 2>&1 || PACKAGES="$PACKAGES default-jre-headless"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
# shellcheck disable=SC2086
exec sh "$(dirname "$0")/apt-install.sh" 1 "the system packages edition needs" $PACKAGES
