#!/bin/sh
# Regenerate docs/gallery/ from the built book (output/edition.pdf, made by `make`) and from the
# Epistula synodalis's own PDF (built here into a temporary folder). See docs/gallery/README.md for
# what each page shows; the page numbers below are physical pages of the PDFs.
set -eu
cd "$(dirname "$0")/.."
GALLERY=docs/gallery
BOOK=output/edition.pdf
[ -f "$BOOK" ] || { echo "gallery: $BOOK is missing: run make first" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for page in 3 5 19 20 33 135; do
    pdftoppm -r 70 -png -f "$page" -l "$page" -singlefile "$BOOK" "$GALLERY/$(printf 'page-%03d' "$page")"
done

.venv/bin/edition build --quiet --pdf tests/data/apparatus/pta0013.pta003.pta-grc1.xml --out "$WORK/pta"
pdftoppm -r 100 -png -f 6 -l 6 -singlefile "$WORK/pta/edition.pdf" "$WORK/apparatus"
pdftoppm -r 100 -png -f 30 -l 30 -singlefile "$BOOK" "$WORK/notes-series"
.venv/bin/python - "$WORK" "$GALLERY" <<'PY'
import sys
from pathlib import Path

from PIL import Image

work, gallery = map(Path, sys.argv[1:])
for name in ("apparatus", "notes-series"):  # 16 colours: small files that still read as print
    image = Image.open(work / f"{name}.png").convert("RGB")
    image.quantize(16, dither=Image.Dither.NONE).save(gallery / f"{name}.png", optimize=True)
PY
echo "gallery: $GALLERY regenerated"
