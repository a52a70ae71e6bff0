"""Loading WeasyPrint's native libraries without a process for every name tried.

WeasyPrint tries several names for each native library it loads (GObject, Pango, HarfBuzz,
fontconfig), for every platform at once; cffi asks ``ctypes.util.find_library`` about each name, which
on Linux runs ``ldconfig -p`` and, for a name it does not know, gcc and ld as well. That is some twenty
processes and 0.2–0.4 s before the first part can be laid out. ``fast_library_lookup`` reads the
dynamic linker's cache once and answers every name from it, as ``find_library``'s first step does.
It steps aside (the standard lookup stays) off Linux, when ``LD_LIBRARY_PATH`` is set (libraries only
gcc or ld would find), when ``ldconfig`` cannot be run, and once WeasyPrint is loaded.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The C library's ABI tag in ``ldconfig -p`` for 64-bit machines that have one (as in ctypes.util).
_ABI_TAGS = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
             "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def linker_cache() -> str | None:
    """``ldconfig -p``'s listing of the libraries the dynamic linker knows, or None."""
    ldconfig = shutil.which("ldconfig") or next(
        (path for path in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(path)), None)
    if ldconfig is None:
        return None
    try:
        return subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=True,
                              env={**os.environ, "LC_ALL": "C", "LANG": "C"}).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


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
