"""Publishing a pack: the lock on the output root, and the atomic switch of the
``packs/NAME`` and ``latest`` symlinks to a complete pack folder."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".pack.lock"
class PackBusy(RuntimeError):
    """Raised when another pack build holds the lock on the same output root."""


@contextmanager
def lock(out_root: Path, wait: bool = False):
    """Hold an exclusive ``flock`` on ``out_root/.pack.lock`` for the block.

    Raises PackBusy (naming the holder's pid) when another build holds it and ``wait``
    is false; with ``wait`` blocks until it is free. The lock dies with its process, so
    a killed build never leaves a stale lock.
    """
    out_root.mkdir(parents=True, exist_ok=True)
    path = out_root / LOCK_NAME
    f = open(path, "a+")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "unknown"
            raise PackBusy(f"another pack build is running on {out_root} (pid {holder}); "
                           "try again when it ends, or pass --wait") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        yield
    finally:
        f.close()  # closing releases the lock


@contextmanager
def signals_as_interrupt():
    """Turn SIGTERM into KeyboardInterrupt for the block, so cleanup runs (main thread only)."""

    def _raise(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        old = signal.signal(signal.SIGTERM, _raise)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def publish(tmp: Path, out_root: Path, name: str) -> Path:
    """Move the complete pack ``tmp`` into ``packs/`` and switch ``packs/NAME`` and
    ``latest`` to it with atomic symlink replacements; return the ``packs/NAME`` path.

    The pack itself lives in ``packs/NAME@N``; the previous one is kept (a reader may be
    in it), older ones are removed.
    """
    packs = out_root / "packs"
    packs.mkdir(parents=True, exist_ok=True)
    link = packs / name
    if link.exists() and not link.is_symlink():  # a pack from the first, non-versioned runner
        os.replace(link, packs / f"{name}@0")
    pattern = re.compile(rf"^{re.escape(name)}@(\d+)$")
    numbers = sorted(int(m.group(1)) for p in packs.iterdir() if (m := pattern.match(p.name)))
    final = packs / f"{name}@{(numbers[-1] + 1) if numbers else 1}"
    os.replace(tmp, final)

    def _swap(link_path: Path, target: str) -> None:
        staging = link_path.with_name(f".{link_path.name}.new")
        staging.unlink(missing_ok=True)
        staging.symlink_to(target)
        os.replace(staging, link_path)

    previous = os.readlink(link) if link.is_symlink() else None
    _swap(link, final.name)
    _swap(out_root / "latest", f"packs/{name}")
    for n in numbers:
        old = packs / f"{name}@{n}"
        if old.name != previous:
            shutil.rmtree(old, ignore_errors=True)
    return link
