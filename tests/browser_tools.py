"""Headless Chromium for the tests of the reviewers' pages: a DevTools client, a fixture
that starts a fresh browser, and one call that loads a page and reports what a reader
would hit (broken images, dead links, console errors, network requests, the text)."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0"]


class DevTools:
    """A minimal Chrome DevTools Protocol client over websocket-client."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, seconds: float = 30) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for ev in self.events:
                if ev.get("method") == method:
                    return ev
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def drain(self, seconds: float) -> None:
        self.ws.settimeout(seconds)
        try:
            while True:
                self.events.append(json.loads(self.ws.recv()))
        except Exception:  # websocket timeout: nothing more arrived
            pass
        finally:
            self.ws.settimeout(30)


@pytest.fixture
def chromium(tmp_path):
    """A headless Chromium with remote debugging and a fresh profile; yields the page's
    DevTools websocket URL. Skips when Chromium or websocket-client is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (/usr/bin/chromium); .ci/run installs it with apt-get")
    pytest.importorskip("websocket", reason="websocket-client is not installed")
    profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=tmp_path))
    proc = subprocess.Popen([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert proc.poll() is None, "chromium exited"
            assert time.monotonic() < deadline, "chromium did not open its debugging port"
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            pages = [t for t in json.load(r) if t["type"] == "page"]
        yield pages[0]["webSocketDebuggerUrl"]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


_PAGE_FACTS = """JSON.stringify({
    lang: document.documentElement.getAttribute('lang'),
    text: document.body.innerText,
    images: [...document.images].map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]),
    links: [...document.querySelectorAll('a[href]')].map(a => [a.getAttribute('href'), a.href]),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    failed: [...document.querySelectorAll('tr.run-failed')].map(e => e.id)})"""


def load_page(ws_url: str, page: Path) -> dict:
    """Open ``page`` in the browser at ``ws_url`` and return what it shows: ``lang``,
    ``text``, ``images`` [src, complete, width], ``links`` [raw, resolved], ``ids``,
    ``failed`` (ids of failed-run rows), ``errors`` (console errors and exceptions) and
    ``requests`` (every URL the page asked for)."""
    tools = DevTools(ws_url)
    for domain in ("Page", "Runtime", "Log", "Network"):
        tools.call(f"{domain}.enable")
    tools.call("Page.navigate", url=page.as_uri())
    tools.wait_for("Page.loadEventFired")
    # Wait until every image is decoded (or has failed), so "complete" means something.
    tools.call("Runtime.evaluate", awaitPromise=True, expression="""Promise.all(
        [...document.images].map(i => i.decode().catch(() => null)))""")
    tools.drain(0.5)
    facts = json.loads(tools.call("Runtime.evaluate", returnByValue=True, expression=_PAGE_FACTS)["result"]["value"])
    facts["errors"] = [e for e in tools.events
                       if e.get("method") == "Runtime.exceptionThrown"
                       or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
                       or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    facts["requests"] = [e["params"]["request"]["url"] for e in tools.events
                         if e.get("method") == "Network.requestWillBeSent"]
    tools.ws.close()
    return facts


def dead_links(facts: dict, page: Path, root: Path) -> list[str]:
    """Return the links of a loaded page that do not resolve: a missing local file, a
    fragment with no such id (on this page or the linked local page), a link leaving
    ``root`` or going to the network."""
    bad = []
    for raw, resolved in facts["links"]:
        url = urllib.parse.urlparse(resolved)
        if url.scheme != "file":
            bad.append(f"{raw}: not a local file")
            continue
        target = Path(urllib.parse.unquote(url.path)).resolve()
        if not (target.is_relative_to(root) and target.is_file()):
            bad.append(f"{raw}: no such file in the pack")
            continue
        if url.fragment:
            ids = (set(facts["ids"]) if target == page.resolve() else
                   set(re.findall(r'\bid="([^"]*)"', target.read_text(encoding="utf-8"))))
            if urllib.parse.unquote(url.fragment) not in ids:
                bad.append(f"{raw}: no element with that id")
    return bad
