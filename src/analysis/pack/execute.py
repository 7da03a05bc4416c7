"""Execute one pack run in a worker process: papermill, retry, log, code-hidden HTML.

:func:`execute` runs in a worker of the pack's process pool. It never raises for a
failing notebook: it returns a result dict whose ``status`` is ``"ok"`` or ``"failed"``
(with ``error``), so one bad notebook does not stop a batch. A dead kernel or a cell
timeout is retried once; an exception raised by the notebook's own code is not (it
would raise again).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

#: Attempts for a run whose kernel died or timed out (the first try plus one retry).
ATTEMPTS = 2


def init_worker(build_pid: int | None = None, build_started: str | None = None, warm: bool = True) -> None:
    """Pool initializer: SIGTERM raises KeyboardInterrupt, so papermill/nbclient shut the
    kernel down before the worker exits; the worker dies with its parent (the forkserver)
    and with the build process ``build_pid``, even after a SIGKILL; with ``warm`` the
    worker's kernel factory starts importing now, ahead of the first run."""

    def _raise(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _raise)
    from analysis.pack import lifeline

    lifeline.die_with_parent(signal.SIGKILL)
    if build_pid is not None:
        lifeline.watch(build_pid, build_started)
    if warm:
        start_factory()


def warm_up() -> bool:
    """Start this process's kernel factory if it is not running (it imports in the
    background); return whether kernels will be forked. Used on Dask workers."""
    return start_factory() is not None


def start_factory():
    """Return this process's kernel factory (see analysis.pack.kernels), or None where
    kernels cannot be forked (not Linux, or the kernel spec is not this interpreter's)."""
    if not sys.platform.startswith("linux"):
        return None
    from analysis import config
    from analysis.pack import kernels

    try:
        from jupyter_client.kernelspec import KernelSpecManager

        argv = KernelSpecManager().get_kernel_spec(config.KERNEL_NAME).argv
    except Exception:
        return None
    if "-m" not in argv or argv[argv.index("-m") + 1:argv.index("-m") + 2] != ["ipykernel_launcher"]:
        return None
    return kernels.factory(tuple(argv[:argv.index("-m")]))  # the same interpreter and flags


def _transient_errors() -> tuple[type, ...]:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    # RuntimeError: jupyter_client's "Kernel died before replying to kernel_info".
    return (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError)


def _mark_failed(executed: Path, source: Path, message: str) -> None:
    """Put a visible failure note at the top of the executed copy (papermill does this
    itself for an exception in a cell, not for a dead kernel or a timeout)."""
    import nbformat

    nb = nbformat.read(executed if executed.exists() else source, as_version=4)
    note = nbformat.v4.new_markdown_cell(
        f'<span style="color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;">'
        f"This run failed</span>\n\n**{message}**\n\nThe cells below show how far it got.")
    note.metadata["tags"] = ["pack-run-failed"]
    nb.cells.insert(0, note)
    nbformat.write(nb, executed)


_exporter = None


def _html_exporter():
    """Return this worker's HTML exporter (built once: loading the templates costs ~0.5 s).
    The template hides all code and loads nothing from the network (``pack.html``)."""
    global _exporter
    if _exporter is None:
        from analysis.pack.html import notebook_exporter

        _exporter = notebook_exporter()
    return _exporter


def export_html(executed: Path, html_out: Path, title: str) -> None:
    """Write ``executed`` as HTML with all code hidden (outputs, text and errors kept), in
    the language of the run's ``lang`` parameter."""
    from analysis.pack.html import export_notebook

    export_notebook(executed, html_out, title, exporter=_html_exporter())


@contextmanager
def _output_to(log):
    """Send this process's stdout/stderr (which a kernel inherits) and the papermill,
    nbclient and traitlets loggers to the open file ``log`` for the block."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(n) for n in ("papermill", "nbclient", "traitlets")]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def _cell_seconds(executed: Path) -> float | None:
    """Return the summed papermill durations of the executed notebook's cells, or None."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return None
    return sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0) for c in nb.cells)


def _attempts(job: dict, log, timing: dict) -> tuple[str, str | None, int]:
    """Run the notebook with papermill, retrying a dead kernel or timeout once; return
    (status, error, attempts) and add kernel start, imports and cells seconds to ``timing``."""
    import papermill as pm

    executed = Path(job["executed"])
    transient = _transient_errors()
    factory = start_factory() if job.get("warm", True) else None
    extra = {}
    if factory is not None:
        from analysis.pack import kernels

        kernels.kernel_log = str(Path(job["log"]).resolve())
        extra["kernel_manager_class"] = kernels.FactoryKernelManager
    status, error, attempts = "failed", None, 0
    for attempts in range(1, ATTEMPTS + 1):
        t = time.monotonic()
        try:
            pm.execute_notebook(job["notebook"], str(executed), parameters=job["parameters"],
                                kernel_name=job["kernel_name"], cwd=job["cwd"], progress_bar=False,
                                log_output=True, execution_timeout=job["timeout"],
                                stdout_file=log, stderr_file=log, **extra)
            status, error = "ok", None
            break
        except pm.PapermillExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
            break
        except transient as exc:
            kind = "timed out" if isinstance(exc, TimeoutError) else "kernel died"
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            error = f"{kind} (attempt {attempts} of {ATTEMPTS}): {type(exc).__name__}: {first_line}"
            log.write(f"\n*** {error}\n")
            if attempts == ATTEMPTS:
                _mark_failed(executed, Path(job["notebook"]), error)
        except Exception as exc:  # a bug outside the notebook: record it, do not stop the batch
            error = f"{type(exc).__name__}: {exc}"
            log.write(f"\n*** {error}\n")
            _mark_failed(executed, Path(job["notebook"]), error)
            break
        finally:
            wall = time.monotonic() - t
            cells = _cell_seconds(executed) or 0.0
            timing["imports"] = round(timing.get("imports", 0.0) + (factory.waited if factory else 0.0), 3)
            timing["cells"] = round(timing.get("cells", 0.0) + cells, 3)
            start = wall - cells - (factory.waited if factory else 0.0)
            timing["kernel_start"] = round(timing.get("kernel_start", 0.0) + max(0.0, start), 3)
    timing["kernel"] = "forked from a pre-warmed factory" if factory else "cold (imports counted in cells)"
    return status, error, attempts


def execute(job: dict) -> dict:
    """Run ``job`` (paths and parameters prepared by analysis.pack) and return its result.

    Keys of ``job``: name, notebook, executed, html, log, cwd, parameters, timeout,
    kernel_name; optional ``submitted`` (``time.time()`` when the build queued it) and
    ``warm`` (default True: a kernel forked from this worker's pre-warmed factory; False:
    a cold ``ipykernel_launcher``). The result holds name, status ("ok"/"failed"), error
    (None or text), attempts, seconds and ``timing`` (waiting, imports, kernel_start,
    cells, html: seconds). Everything the kernel, papermill and nbclient print goes to
    the log file. Never raises for a failing notebook.
    """
    started = time.monotonic()
    timing = {"waiting": round(max(0.0, time.time() - job["submitted"]), 3) if job.get("submitted") else None}
    executed, log_path = Path(job["executed"]), Path(job["log"])
    log_path.parent.mkdir(parents=True, exist_ok=True)
    executed.parent.mkdir(parents=True, exist_ok=True)
    Path(job["parameters"]["output_dir"]).mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", buffering=1, encoding="utf-8") as log, _output_to(log):
        log.write(f"run {job['name']}: {job['notebook']} with {job['parameters']}\n")
        status, error, attempts = _attempts(job, log, timing)
        t = time.monotonic()
        try:
            export_html(executed, Path(job["html"]), job["name"])
        except Exception as exc:
            status, error = "failed", (error or "") + f"; HTML export failed: {type(exc).__name__}: {exc}"
        timing["html"] = round(time.monotonic() - t, 3)
        log.write(f"\nrun {job['name']}: {status}{': ' + error if error else ''}\n")
    return {"name": job["name"], "status": status, "error": error, "attempts": attempts,
            "seconds": round(time.monotonic() - started, 3), "timing": timing}
