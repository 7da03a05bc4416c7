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
from pathlib import Path

#: Attempts for a run whose kernel died or timed out (the first try plus one retry).
ATTEMPTS = 2


def init_worker() -> None:
    """Pool initializer: SIGTERM raises KeyboardInterrupt, so papermill/nbclient shut the
    kernel down before the worker exits (a kernel is in its own session and would not
    otherwise receive the signal; ipykernel also exits when its parent dies)."""

    def _raise(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _raise)


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


#: The JupyterLab HTML template without require.js and mermaid.js, which the report
#: notebooks never use and which would be fetched from a CDN (failing offline). MathJax
#: stays, so formulas in the prose render when the reader is online.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def export_html(executed: Path, html_out: Path, title: str) -> None:
    """Write ``executed`` as HTML with all code hidden (outputs, text and errors kept)."""
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    # Cells papermill inserts (injected parameters, error marker) get random ids, which the
    # HTML prints: number them all so the same run gives the same bytes.
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            extra_loaders=[jinja2.DictLoader({"pack_report.html.j2": _TEMPLATE})],
                            template_file="pack_report.html.j2")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    html_out.write_text(body, encoding="utf-8")


def execute(job: dict) -> dict:
    """Run ``job`` (paths and parameters prepared by analysis.pack) and return its result.

    Keys of ``job``: name, notebook, executed, html, log, cwd, parameters, timeout,
    kernel_name. The result holds name, status ("ok"/"failed"), error (None or text),
    attempts and seconds. Everything the kernel, papermill and nbclient print goes to
    the log file.
    """
    import papermill as pm

    started = time.monotonic()
    executed, log_path = Path(job["executed"]), Path(job["log"])
    log_path.parent.mkdir(parents=True, exist_ok=True)
    executed.parent.mkdir(parents=True, exist_ok=True)
    Path(job["parameters"]["output_dir"]).mkdir(parents=True, exist_ok=True)
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    # The kernel inherits this process's stdout/stderr: point them at the log for the run.
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
    status, error, attempts = "failed", None, 0
    try:
        transient = _transient_errors()
        log.write(f"run {job['name']}: {job['notebook']} with {job['parameters']}\n")
        for attempts in range(1, ATTEMPTS + 1):
            try:
                pm.execute_notebook(job["notebook"], str(executed), parameters=job["parameters"],
                                    kernel_name=job["kernel_name"], cwd=job["cwd"], progress_bar=False,
                                    log_output=True, execution_timeout=job["timeout"],
                                    stdout_file=log, stderr_file=log)
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
        try:
            export_html(executed, Path(job["html"]), job["name"])
        except Exception as exc:
            status, error = "failed", (error or "") + f"; HTML export failed: {type(exc).__name__}: {exc}"
        log.write(f"\nrun {job['name']}: {status}{': ' + error if error else ''}\n")
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        log.close()
    return {"name": job["name"], "status": status, "error": error, "attempts": attempts,
            "seconds": round(time.monotonic() - started, 3)}
