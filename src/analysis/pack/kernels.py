"""Fresh kernels without the start-up bill: a per-worker kernel factory.

Every run still gets its own new kernel process (isolation between runs is kept), but
the kernel is *forked* from a factory process that imported ipykernel, pandas,
statsmodels, matplotlib, seaborn and the analysis reports once, ahead of need. A fork
costs milliseconds and shares the imported modules copy-on-write, so on a 2-core machine
the ~3 s of imports per run leave the critical path and the CPU bill.

Two sides:

* the factory (``python -m analysis.pack.kernels``, started by :class:`Factory`): imports
  the heavy modules, then reads one JSON request per line on stdin (connection file,
  working folder, log file, environment) and answers with the pid of a forked kernel.
  It exits when its stdin closes (the worker died), killing its kernels; each kernel
  gets ``PR_SET_PDEATHSIG`` and ipykernel's own parent poller, so a SIGKILLed factory
  takes its kernels with it.
* :class:`FactoryKernelManager`: a jupyter_client ``AsyncKernelManager`` whose launch step
  asks the factory for a kernel instead of starting ``python -m ipykernel_launcher``;
  papermill and nbclient drive it exactly as a normal kernel (``kernel_manager_class``).

A forked kernel is what a cold kernel is after the same imports: same interpreter,
working folder, ``sys.path[0]``, environment and a fresh NumPy seed (tests compare the
figures byte for byte).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

#: Modules a report notebook imports; the factory imports them once.
PRELOAD = ("ipykernel.kernelapp", "numpy", "pandas", "scipy.stats", "statsmodels.api", "statsmodels.formula.api",
           "matplotlib", "matplotlib.pyplot", "seaborn", "analysis.reports",
           "analysis.reports.plotting", "analysis.reports.params", "analysis.data",
           "geopandas", "analysis.reports.maps")
#: ipykernel's inline backend, which ipykernel also sets before a cold kernel imports matplotlib.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


# --------------------------------------------------------------------------- factory side

def _reap(signum, frame) -> None:
    """SIGCHLD: reap finished kernels at once, so their pid reads as gone."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _inline_figures() -> None:
    """Hook matplotlib's inline backend into the new kernel's shell, as its import does in
    a cold kernel; needed only if the factory's imports already loaded that backend."""
    mod = sys.modules.get("matplotlib_inline.backend_inline")
    if mod is not None:
        mod._enable_matplotlib_integration()  # what the module runs at import, now with a shell


def _kernel_child(req: dict, factory_pid: int) -> None:
    """In the forked child: become an ipykernel serving ``req['connection_file']``; never returns."""
    code = 1
    try:
        from analysis.pack import lifeline

        os.setsid()  # its own process group: jupyter_client signals the group, as for a cold kernel
        lifeline.die_with_parent(signal.SIGKILL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        log = os.open(req["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        os.chdir(req["cwd"])
        os.environ.update(req.get("env") or {})
        os.environ["JPY_PARENT_PID"] = str(factory_pid)  # ipykernel exits if the factory goes
        sys.path[0] = req["cwd"]  # as `python -m ipykernel_launcher` run in cwd
        import numpy as np

        np.random.seed()  # a fresh seed, as a cold kernel has (fork copies the factory's state)
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        # parent_handle's default was read from the environment when the factory imported
        # ipykernel: give it explicitly.
        app.initialize(["-f", req["connection_file"], f"--IPKernelApp.parent_handle={factory_pid}"])
        _inline_figures()
        app.start()
        code = 0
    except BaseException:  # report, never return into the factory's loop
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve() -> None:
    """The factory's main loop (see the module docstring); returns when stdin closes."""
    from analysis.pack import lifeline

    lifeline.die_with_parent(signal.SIGKILL)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a missing optional module only costs its import later
            print(f"kernel factory: could not preload {name}: {exc}", file=sys.stderr)
    signal.signal(signal.SIGCHLD, _reap)
    out = sys.stdout
    out.write(json.dumps({"ready": os.getpid()}) + "\n")
    out.flush()
    children: list[int] = []
    for line in sys.stdin:
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _kernel_child(req, os.getppid())
        children.append(pid)
        out.write(json.dumps({"pid": pid, "started": lifeline.start_time(pid)}) + "\n")
        out.flush()
    for pid in children:  # the worker is gone: so are its kernels
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


# --------------------------------------------------------------------------- worker side

class Factory:
    """A kernel factory process owned by one worker (started at once, ready some seconds later)."""

    def __init__(self, python: tuple[str, ...] = (sys.executable,)):
        self.started = time.monotonic()
        self.python = tuple(python)
        self.code = code_fingerprint()
        self.proc = subprocess.Popen([*self.python, "-m", "analysis.pack.kernels"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        self._ready = False
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds the last request waited for the factory's imports

    def fork(self, connection_file: str, cwd: str, log: str, env: dict) -> tuple[int, str | None]:
        """Return (pid, start time) of a new kernel for ``connection_file``.

        Raises RuntimeError when the factory died (the caller starts a cold kernel)."""
        with self._lock:
            t = time.monotonic()
            if not self._ready:
                self._read()
                self._ready = True
            self.waited = time.monotonic() - t
            self.proc.stdin.write(json.dumps({"connection_file": connection_file, "cwd": cwd, "log": log,
                                              "env": env}) + "\n")
            self.proc.stdin.flush()
            answer = self._read()
        return int(answer["pid"]), answer.get("started")

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"kernel factory exited (status {self.proc.poll()})")
        return json.loads(line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """Stop the factory (its kernels are killed with it)."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


#: The file a forked kernel's stdout and stderr go to (execute sets it to the run's log;
#: a cold kernel inherits the worker's redirected stdout instead).
kernel_log: str | None = None

def code_fingerprint() -> tuple:
    """Return (path, mtime, size) of every .py file of the analysis package: a factory that
    imported other code than what is on disk now is replaced (about a millisecond)."""
    root = Path(__file__).resolve().parents[1]
    out = []
    for p in sorted(root.rglob("*.py")):
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


_factory: Factory | None = None
_factory_lock = threading.Lock()


def factory(python: tuple[str, ...] | None = None) -> Factory:
    """Return this process's kernel factory for the interpreter command ``python`` (None:
    the running factory's, else this interpreter), starting it (or a new one if it died)."""
    global _factory
    with _factory_lock:
        if python is None:
            python = _factory.python if _factory is not None else (sys.executable,)
        if (_factory is None or not _factory.alive() or _factory.python != tuple(python)
                or _factory.code != code_fingerprint()):  # a long-lived Dask worker after a code change
            if _factory is not None:
                _factory.close()
            _factory = Factory(python)
        return _factory


def close_factory() -> None:
    """Stop this process's kernel factory, if any."""
    global _factory
    with _factory_lock:
        if _factory is not None:
            _factory.close()
            _factory = None


class _ForkedProcess:
    """What jupyter_client's LocalProvisioner needs of a Popen, for a kernel the factory
    forked (a grandchild of this process: the factory reaps it, we watch /proc)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, started: str | None):
        self.pid, self.started, self.returncode = pid, started, None

    def poll(self):
        from analysis.pack import lifeline

        if self.returncode is None and not lifeline.alive(self.pid, self.started):
            self.returncode = -1
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class FactoryKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels come from this process's :class:`Factory`.

    Everything but the launch (connection file, ports, messages, interrupt, shutdown,
    kill, cleanup) is jupyter_client's own: the provisioner just holds a forked process.
    """

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        prov = self.provisioner
        env = {k: v for k, v in (kw.get("env") or {}).items() if k.startswith(("JPY_", "PYDEVD_"))}
        cwd = str(kw.get("cwd") or os.getcwd())
        pid, started = factory().fork(self.connection_file, cwd, kernel_log or os.devnull, env)
        prov.process = _ForkedProcess(pid, started)
        prov.pid, prov.pgid, prov.cwd = pid, pid, cwd
        self._reconcile_connection_info(prov.connection_info)


if __name__ == "__main__":
    serve()
