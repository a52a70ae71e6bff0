"""WeasyPrint's native libraries are found from the linker's cache as ctypes would find them."""

from __future__ import annotations

import ctypes.util
import json
import os
import subprocess
import sys

import pytest

from edition.print.native import find_in, linker_cache

# Names WeasyPrint tries (weasyprint/text/ffi.py), the ones that fail included, and two of the C library.
NAMES = ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset",
         "harfbuzz-vector", "libfontconfig-1", "fontconfig", "pangoft2-1.0", "c", "m", "no-such-library")


def test_the_linker_cache_answers_as_find_library_does() -> None:
    listing = linker_cache()
    if listing is None:
        pytest.skip("no ldconfig on this machine")
    answers = {name: find_in(listing, name) for name in NAMES}
    assert answers["gobject-2.0"] and answers["pango-1.0"] and answers["fontconfig"]
    assert answers == {name: ctypes.util.find_library(name) for name in NAMES}


LOAD = """
import json, sys, ctypes.util
calls = []
standard = ctypes.util.find_library
ctypes.util.find_library = lambda name: calls.append(name) or standard(name)
from edition.print.native import fast_library_lookup
with fast_library_lookup() if sys.argv[1] == "fast" else open(__file__):
    from weasyprint.text import ffi
print(json.dumps({"standard_calls": len(calls), "loaded": [
    name for name in ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "harfbuzz_vector", "fontconfig",
                      "pangoft2") if getattr(ffi, name) is not None]}))
"""


@pytest.mark.skipif(bool(os.environ.get("LD_LIBRARY_PATH")), reason="the standard lookup is kept")
def test_weasyprint_loads_the_same_libraries_without_a_process_per_name(tmp_path) -> None:
    script = tmp_path / "load.py"
    script.write_text(LOAD, encoding="utf-8")
    fast, standard = (json.loads(subprocess.run([sys.executable, str(script), how], check=True,
                                                capture_output=True, text=True).stdout)
                      for how in ("fast", "standard"))
    assert standard["standard_calls"] > 5  # what the cache saves
    assert fast["standard_calls"] == 0
    assert fast["loaded"] == standard["loaded"]
    assert {"gobject", "pango", "harfbuzz", "fontconfig", "pangoft2"} <= set(fast["loaded"])
