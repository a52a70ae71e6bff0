"""Child processes that never outlive the build, and signals that stop a build the way Ctrl-C does.

A build starts processes of its own: the layout workers and the validation process (forked), and
pandoc (executed). Each asks the kernel, first thing in the child, to be killed when its parent dies
(Linux's ``PR_SET_PDEATHSIG``), then checks that its parent is still the process that started it,
since the parent may have died before the request was made. So even ``kill -9`` of a build leaves
nothing running: without this, the layout workers waited forever on their job queue (whose write end
they hold themselves) and pandoc ran on to the end of its work.

The forked children also ignore SIGINT (Ctrl-C reaches the whole process group; the parent decides,
and kills them) and take SIGTERM's default action (the parent's handler, below, would only raise an
exception in them).

SIGTERM and SIGHUP raise ``Terminated`` in the build, as SIGINT raises ``KeyboardInterrupt``, so that a
build stopped by either cleans up as after Ctrl-C: workers killed rather than waited for, the staging
folder removed (``output.py``). ``signals_held`` keeps all three from interrupting a short critical
section (the commit of the outputs, a fork) and acts on them once it is over.

Every fork is such a section (``forking``): ``os.fork`` runs Python callbacks in the parent once the
child exists (logging's, which releases its lock), and an exception a signal handler raises in one
of them is printed as "Exception ignored" and dropped. A Ctrl-C or SIGTERM that came while the build
forked its layout workers was lost that way, and the build ran on to the end.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: stop as for Ctrl-C (a KeyboardInterrupt, so every handler of an
    interruption handles it too)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _prctl():
    """libc's prctl, looked up once before any fork (a child must not load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    function.restype = ctypes.c_int
    return function


_PRCTL = _prctl()


def die_with_parent(parent: int) -> None:
    """In a child of ``parent``: be killed when the parent dies; exit now if it has died already."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # orphaned before the request took effect: nobody wants our work
        os._exit(1)


def become_child(parent: int) -> None:
    """First thing in a process forked by the build (a layout worker, the validation)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def run(argv: list[str], input: bytes, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run a program that dies with this process, with ``input`` on its stdin and its output
    captured; raises ``subprocess.TimeoutExpired`` (the program killed) after ``timeout`` seconds.

    The child sets its parent-death signal before it executes the program. It is tied to the thread
    that starts the child, which waits here for the program to end."""
    parent = os.getpid()
    pipe = subprocess.PIPE
    with forking():
        process = subprocess.Popen(argv, stdin=pipe, stdout=pipe, stderr=pipe,
                                   preexec_fn=lambda: die_with_parent(parent))
    with process:
        try:
            stdout, stderr = process.communicate(input, timeout=timeout)
        except BaseException:  # subprocess.run's way: the program killed, then waited for
            process.kill()
            raise
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``Terminated`` in the block (Python acts on signals in the main
    thread only: elsewhere the block changes nothing)."""
    if not _main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_terminated) for signum in STOP_SIGNALS[1:]}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP during a short block, then act on the first that came.

    Replacing the handlers, rather than blocking the signals with a mask, also holds a signal the
    kernel hands to another thread: Python runs every handler in the main thread."""
    if not _main_thread():
        yield
        return
    received: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, _frame: received.append(signum))
                for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if received:
            signal.raise_signal(received[0])  # now the usual handler acts on it


def forking() -> AbstractContextManager[None]:
    """Hold the stop signals while the block forks (see the module's docstring); the child starts
    with them held, and ``become_child`` sets its own handlers."""
    return signals_held()
