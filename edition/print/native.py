"""Loading WeasyPrint's native libraries without a process for every name tried.

WeasyPrint tries several names for each native library it loads (GObject, Pango, HarfBuzz,
fontconfig), for every platform at once; cffi asks ``ctypes.util.find_library`` about each name, which
on Linux runs ``ldconfig -p`` and, for a name it does not know, gcc and ld as well. That is some twenty
processes and 0.2–0.4 s before the first part can be laid out. ``fast_library_lookup`` reads the
dynamic linker's cache once and answers every name from it, as ``find_library``'s first step does.
A name the cache does not know is not searched for further (``find_library`` would ask gcc and ld,
which find libraries the dynamic linker would only load through ``LD_LIBRARY_PATH``). So the lookup
steps aside, leaving the standard one, when ``LD_LIBRARY_PATH`` is set, off Linux, where ``ldconfig``
lists nothing (musl), and once WeasyPrint is loaded.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

LDCONFIG = "/sbin/ldconfig"
# As ctypes.util._findSoname_ldconfig (CPython 3.11–3.13) reads the listing: the C library's ABI tag for
# the 64-bit machines that have one.
_ABI_TAGS = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
             "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def linker_cache() -> str | None:
    """``ldconfig -p``'s listing of the libraries the dynamic linker knows (the ldconfig ctypes runs),
    or None where there is none (musl's ldconfig lists nothing)."""
    try:
        listing = subprocess.run([LDCONFIG, "-p"], capture_output=True, check=True, text=True,
                                 errors="surrogateescape", env={"LC_ALL": "C", "LANG": "C"}).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return listing if listing.strip() else None


def find_in(listing: str, name: str) -> str | None:
    """The soname ``find_library(name)`` finds through ``ldconfig``, looked up in its listing."""
    bits = "-32" if ctypes.sizeof(ctypes.c_void_p) == 4 else "-64"
    abi = _ABI_TAGS.get(os.uname().machine + bits, "libc6")
    found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", listing)
    return found.group(1) if found else None


@contextmanager
def fast_library_lookup() -> Iterator[None]:
    """Within the block, ``ctypes.util.find_library`` answers from the linker's cache, read once."""
    listing = None
    if sys.platform == "linux" and not os.environ.get("LD_LIBRARY_PATH") and "weasyprint" not in sys.modules:
        listing = linker_cache()
    if listing is None:
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = lambda name: find_in(listing, name)
    try:
        yield
    finally:
        ctypes.util.find_library = standard
