"""Atomic outputs: a file or folder appears whole or not at all, and a build's outputs all together.

``write_bytes`` replaces one file by a rename. A build has several outputs (the PDF, the site, the
manifest that says which inputs they were made from) and replaces them as a set, ``OutputSet``:

1. Every output is written into the staging folder ``OUT/.staging/``, under its final name.
2. The commit writes the journal ``OUT/.commit.json`` (which staged path goes where; written to a
   temporary file and renamed), then moves each output into place: a file by one rename over the
   old one, a folder by two (the old folder into ``.staging/.old/``, the new one to its place).
   Then it removes the journal, and the staging folder with the old folders in it.
3. SIGINT, SIGTERM and SIGHUP are held during the commit (it takes milliseconds) and acted on after.

A build killed before step 2 (``kill -9``, a crash) leaves a staging folder and no journal: the next
build removes it, and the outputs are the old ones. A build killed during step 2 leaves the journal:
the next build replays it before anything else (``recover``), skipping the moves done already, and
the outputs are the new ones. So between two builds the outputs are all from one build; only in the
moment between a kill in step 2 and the next build may they be mixed, and the journal beside them
says so. (The PDF is flushed to disk before it is staged, as it always was; the site's files are
not, which would double the time of a small rebuild: after a power cut they are what the file
system kept.)

``BuildLock`` makes builds into one output folder take turns (``flock`` on ``OUT/.lock``): the second
waits, and says so. A build that found no output folder and fails removes the folder it made.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from edition.errors import display_path
from edition.processes import signals_held

STAGING = ".staging"
JOURNAL = ".commit.json"
LOCK = ".lock"
RETIRED = ".old"  # in the staging folder: the folders a commit replaced
PAUSE = "EDITION_TEST_PAUSE"  # see pause_for_tests


def write_bytes(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it.

    ``sync=False`` skips the flush to disk: for caches, which may be lost but never half-written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, sync: bool = True) -> None:
    write_bytes(path, text.encode("utf-8"), sync)


@contextmanager
def staged_directory(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder that replaces ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)
    retired = path.with_name(f".{path.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if path.exists():
        os.replace(path, retired)
    os.replace(staging, path)
    shutil.rmtree(retired, ignore_errors=True)


class OutputSet:
    """The outputs of one build into ``out``: staged one by one, committed together."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.staging = self.out / STAGING
        self.moves: dict[str, str] = {}  # final path -> staged path, both relative to ``out``
        self.committed = False  # every output is in place (even if a signal held meanwhile is raised)

    def stage(self, final: Path) -> Path:
        """Where to write the output ``final`` (a path inside ``out``) until the commit."""
        relative = Path(final).relative_to(self.out)
        staged = self.staging / relative
        staged.parent.mkdir(parents=True, exist_ok=True)
        self.moves[str(relative)] = str(staged.relative_to(self.out))
        return staged

    def commit(self) -> None:
        """Put every staged output in place, as one step for anyone who reads them after a build."""
        moves = [(staged, final) for final, staged in self.moves.items()]
        missing = [staged for staged, _ in moves if not (self.out / staged).exists()]
        if missing:
            raise RuntimeError(f"outputs never written: {', '.join(missing)}")
        with signals_held():
            write_bytes(self.out / JOURNAL, json.dumps({"moves": moves}).encode(), sync=False)
            pause_for_tests("journal")
            _replay(self.out, moves)
            pause_for_tests("moved")
            (self.out / JOURNAL).unlink()
            self.committed = True
        self.discard()

    def discard(self) -> None:
        """Remove the staging folder (what a failed build wrote; after a commit, the old outputs),
        unless a commit that failed half-way left its journal: the next build replays it."""
        if not (self.out / JOURNAL).exists():
            shutil.rmtree(self.staging, ignore_errors=True)


def recover(out: Path) -> bool:
    """Finish what an interrupted build left in ``out``: replay a journal (True), remove a staging
    folder. Call it holding the ``BuildLock``."""
    out = Path(out)
    journal = out / JOURNAL
    replayed = False
    if journal.is_file():
        moves = _read_journal(journal)
        if moves is not None:
            _replay(out, moves)
            replayed = True
        journal.unlink()
    if (out / STAGING).exists():
        shutil.rmtree(out / STAGING)
    return replayed


def pause_for_tests(point: str) -> None:
    """Stop this process (SIGSTOP) at a named point (of the commit, or "layout": a layout job's start)
    when the environment variable EDITION_TEST_PAUSE names it: the tests kill a build there, or
    interrupt it, at a known moment."""
    if os.environ.get(PAUSE) == point:
        os.kill(os.getpid(), signal.SIGSTOP)


def _read_journal(journal: Path) -> list[tuple[str, str]] | None:
    """The journal's moves; None if it cannot be read (it is renamed into place whole, so only a
    damaged disk or another program makes it so: the outputs are then left as they are)."""
    try:
        moves = json.loads(journal.read_bytes())["moves"]
        return [(str(staged), str(final)) for staged, final in moves]
    except Exception:  # any damage means the same: nothing to replay
        return None


def _replay(out: Path, moves: list[tuple[str, str]]) -> None:
    """Move each staged output to its place; a move done already is skipped, so this may be
    repeated after an interruption at any point."""
    for staged_name, final_name in moves:
        staged, final = out / staged_name, out / final_name
        if not staged.exists() and not staged.is_symlink():
            continue  # in place already
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists() and (staged.is_dir() or final.is_dir()):
            retired = out / STAGING / RETIRED / final_name  # a rename cannot replace a folder
            retired.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(retired, ignore_errors=True)
            os.replace(final, retired)
        os.replace(staged, final)
        pause_for_tests(f"moved {final_name}")


_held_locks: set[int] = set()


def _forget_locks_in_child() -> None:
    """A forked child closes its copies of the lock files: the lock is its parent's alone."""
    for fd in _held_locks:
        with suppress(OSError):
            os.close(fd)
    _held_locks.clear()


os.register_at_fork(after_in_child=_forget_locks_in_child)


class BuildLock:
    """Builds into one output folder take turns: ``flock`` on ``out/.lock``, which holds the pid of
    the build that has it. ``on_wait`` is told when another build has it and this one waits.

    A build that made the folder and does not reach ``committed`` removes it on leaving, so that a
    failed first build leaves nothing behind; a build waiting for the lock then finds its lock file
    gone, and locks a new one."""

    def __init__(self, out: Path, on_wait: Callable[[str], None] | None = None) -> None:
        self.out = Path(out)
        self.path = self.out / LOCK
        self.on_wait = on_wait
        self.fd = -1
        self.fresh = False  # this build made the folder, and it held nothing when the lock was taken
        self.committed = False  # the build put outputs in place: the folder stays

    def __enter__(self) -> BuildLock:
        while True:
            made = _make_folder(self.out)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                self._lock(fd)
            except BaseException:
                os.close(fd)
                raise
            if _same_file(fd, self.path):
                break
            os.close(fd)  # the build before us removed the folder: lock the new one
        self.fd = fd
        _held_locks.add(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fresh = made and {entry.name for entry in os.scandir(self.out)} <= {LOCK, STAGING}
        return self

    def _lock(self, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.on_wait is not None:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                self.on_wait(f"edition: waiting for another build into {display_path(self.out)} to finish "
                             f"(process {holder})…")
            fcntl.flock(fd, fcntl.LOCK_EX)  # Ctrl-C interrupts the wait

    def __exit__(self, *_: object) -> None:
        try:
            if self.fresh and not self.committed:
                self.path.unlink(missing_ok=True)  # waiters see it gone: see __enter__
                shutil.rmtree(self.out, ignore_errors=True)
            else:
                os.ftruncate(self.fd, 0)
        finally:
            _held_locks.discard(self.fd)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1


def _make_folder(folder: Path) -> bool:
    """Make ``folder`` (and its parents); False if it was there already."""
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        if not folder.is_dir():
            raise
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)
