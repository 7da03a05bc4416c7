"""Processes of a pack build that die with the build (Linux), so nothing outlives it.

The chain: the ``analysis pack`` process -> its worker processes (local pool or Dask
``LocalCluster``) -> each worker's kernel factory (:mod:`analysis.pack.kernels`) -> the
kernels. Each link watches the one above it: :func:`die_with_parent` asks the Linux kernel
to send a signal when the parent exits (``prctl(PR_SET_PDEATHSIG)``, even after SIGKILL);
:func:`watch` is a thread for a process whose parent is not the one to watch (a worker
forked by multiprocessing's forkserver watches the build itself). A kernel factory also
exits when its request pipe closes, and ipykernel exits when its parent changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGKILL) -> bool:
    """Have this process receive ``signum`` when its parent thread exits; return False
    where that is not available (not Linux), True once it is set.

    If the parent already died before the call, the signal is sent at once (the race
    ``prctl`` itself leaves open).
    """
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) != 0:
            return False
    except OSError:
        return False
    if parent == 1 or os.getppid() != parent:
        os.kill(os.getpid(), signum)
    return True


def _stat_fields(pid: int) -> list[str] | None:
    """Return the fields of /proc/PID/stat after the command name (state first), or None
    when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode(errors="replace")
    except OSError:
        return None
    return stat.rpartition(")")[2].split()


def start_time(pid: int) -> str | None:
    """Return the start time of process ``pid`` (field 22 of /proc/PID/stat), or None when
    there is no such process; with the pid it names one process even after pid reuse."""
    fields = _stat_fields(pid)
    return fields[19] if fields is not None and len(fields) > 19 else None


def alive(pid: int, started: str | None = None) -> bool:
    """Return whether process ``pid`` runs (not a zombie), and, if ``started`` is given,
    is still the process that started then."""
    fields = _stat_fields(pid)
    if not fields or fields[0] in ("Z", "X"):
        return False
    return started is None or (len(fields) > 19 and fields[19] == started)


def watch(pid: int, started: str | None, interval: float = 1.0, signum: int = signal.SIGKILL) -> threading.Thread:
    """Start a daemon thread that sends ``signum`` to this process once process ``pid``
    (started at ``started``) is gone; return the thread.

    Used where ``prctl`` cannot name the right parent. Children that watch this process
    (kernel factories, kernels) then follow within their own interval.
    """

    def _watch():
        while alive(pid, started):
            time.sleep(interval)
        os.kill(os.getpid(), signum)

    t = threading.Thread(target=_watch, name=f"lifeline-{pid}", daemon=True)
    t.start()
    return t
