"""Running pandoc: every run within ``pandoc_seconds``, every failure one line naming the file.

pandoc is run directly rather than through pypandoc's ``convert_*``, which has no time limit and
turns a failure into pypandoc's RuntimeError around pandoc's own message; pypandoc only finds the
binary. A run over the limit is killed (``processes.run`` kills the child on a timeout and on any
exception, Ctrl-C included, and the kernel kills it if the build dies).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypandoc

from edition import processes
from edition.errors import EditionError, Location
from edition.limits import current, refusal

# pandoc's parse errors: 'Error at "FILE" (line L, column C):' (no file for stdin), or with
# --citeproc 'Error reading bibliography file FILE:' and '(line L, column C):'; then the reason.
PARSE_ERROR = re.compile(r'(?:Error at (?:"(?P<file>[^"]*)" )?'
                         r"|Error reading bibliography file (?P<bib>[^\n]*):\s*\n)"
                         r"\(line (?P<line>\d+), column (?P<column>\d+)\):\s*\n(?P<reason>[^\n]*)")


def pandoc_binary() -> Path:
    """The pandoc pypandoc runs: pypandoc-binary's own, or one on PATH at least as new."""
    name = pypandoc.get_pandoc_path()
    return Path(shutil.which(name) or name)


def run_pandoc(args: list[str], source: Path, stdin: str | None = None) -> str:
    """pandoc's standard output for ``args`` (``stdin``: its input, if not a file named in ``args``).
    ``source`` is the file pandoc reads, named by any error."""
    try:
        binary = pandoc_binary()
    except OSError as exc:
        raise EditionError(f"cannot run pandoc to read it: {exc}", Location(source), "pandoc") from None
    seconds = current().pandoc_seconds
    try:
        # processes.run: pandoc dies with this process, even after kill -9 of the build.
        done = processes.run([str(binary), *args], (stdin or "").encode("utf-8"), seconds)
    except subprocess.TimeoutExpired:
        raise EditionError(refusal("pandoc_seconds", f"pandoc was stopped after {seconds} s"),
                           Location(source), "pandoc") from None
    except OSError as exc:
        raise EditionError(f"cannot run pandoc ({binary}) to read it: {exc.strerror or exc}",
                           Location(source), "pandoc") from None
    if done.returncode != 0:
        raise pandoc_failure(done.stderr.decode("utf-8", errors="replace"), done.returncode, source)
    return done.stdout.decode("utf-8", errors="replace")


def pandoc_failure(stderr: str, status: int, source: Path) -> EditionError:
    """One line for pandoc's complaint: its reason, at its line and column of the file it names (the
    input given on stdin is ``source``)."""
    parsed = PARSE_ERROR.search(stderr)
    if parsed:
        named = parsed["file"] or parsed["bib"] or ""
        where = Location(Path(named) if named and named not in {"-", "stdin"} else source,
                         int(parsed["line"]), int(parsed["column"]))
        reason = parsed["reason"].strip()
        return EditionError(f"pandoc cannot read this: {reason}; fix it here", where, "pandoc")
    lines = [line.strip() for line in stderr.splitlines()
             if line.strip() and not line.startswith(("[WARNING]", "[INFO]"))]
    said = lines[0].removeprefix("pandoc: ") if lines else f"it stopped with status {status}"
    return EditionError(f"pandoc failed on it: {said}", Location(source), "pandoc")
