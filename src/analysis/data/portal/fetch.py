"""Fetch a response of the portal's ``service-results`` endpoint, politely.

One POST with a JSON body, an honest User-Agent, a timeout, and a few retries with
exponential backoff on timeouts, connection errors, 429 and 5xx (honouring a
``Retry-After`` in seconds); no retry on other 4xx, which will not change by asking
again. Standard library only (``urllib.request``): one request a month needs no more.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from analysis.data.portal.response import ENDPOINT

USER_AGENT = ("vn-online-services-analysis/0.1 (research toolkit on Vietnamese online public services; "
              "one request per month asked, paced; see the project README)")
#: Seconds to wait for the portal; its dashboard answers within a few seconds.
TIMEOUT = 30.0
#: Attempts in all (the first and the retries).
ATTEMPTS = 4
#: First backoff in seconds, doubled after each failed attempt (2, 4, 8).
BACKOFF = 2.0
#: Longest wait a ``Retry-After`` header may impose.
MAX_RETRY_AFTER = 120.0


class PortalUnavailable(Exception):
    """The portal could not be reached, or kept failing; the message is one line.
    ``body`` holds the last answer's bytes, if any. Ends ``portal fetch`` with exit 1."""

    def __init__(self, message: str, body: bytes = b"", status: int | None = None):
        self.body, self.status = body, status
        super().__init__(message)


@dataclass(frozen=True)
class Answer:
    """The portal's answer: HTTP status, body bytes and the URL asked."""

    status: int
    body: bytes
    url: str


def request_body(time_type: str, year: int, period: int | None) -> dict:
    """Return the JSON body the portal's dashboard sends for a period (as recorded by the
    crawler's API discovery run): ``timeType``, ``year``, ``quarter``/``month``, ``departmentType``."""
    body: dict = {"timeType": time_type, "year": year}
    if time_type in ("quarter", "month"):
        body[time_type] = period
    body["departmentType"] = "ADMINISTRATIVE_UNIT"
    return body


def _retryable(exc: Exception) -> tuple[bool, str, int | None, bytes, float | None]:
    """Return (retry?, reason, status, body, Retry-After seconds) for a failed attempt."""
    if isinstance(exc, urllib.error.HTTPError):
        body = exc.read() if exc.fp else b""
        after = exc.headers.get("Retry-After") if exc.headers else None
        wait = float(after) if after and after.strip().isdigit() else None
        retry = exc.code == 429 or 500 <= exc.code < 600
        return retry, f"HTTP {exc.code} {exc.reason}", exc.code, body, wait
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return True, "timed out", None, b"", None
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return True, "timed out", None, b"", None
        return True, f"cannot connect ({reason})", None, b"", None
    if isinstance(exc, (ConnectionError, OSError)):
        return True, f"connection failed ({exc})", None, b"", None
    raise exc


def post(base_url: str, body: dict, *, timeout: float = TIMEOUT, attempts: int = ATTEMPTS,
         backoff: float = BACKOFF, sleep=time.sleep, log=lambda msg: None) -> Answer:
    """POST ``body`` to ``base_url`` + the service-results path; return the 200 answer.

    Retries timeouts, connection errors, 429 and 5xx up to ``attempts`` times in all,
    waiting ``backoff`` seconds then twice as long each time (or the server's
    ``Retry-After``, at most MAX_RETRY_AFTER). Raises PortalUnavailable with a one-line
    reason after the last attempt, or at once on another HTTP error (403, 404...)."""
    return send(base_url.rstrip("/") + ENDPOINT, json.dumps(body).encode("utf-8"), "application/json",
                timeout=timeout, attempts=attempts, backoff=backoff, sleep=sleep, log=log)


def post_legacy(base_url: str, year: int, month: int, **kw) -> Answer:
    """POST a month's request (``month`` 0: the whole year) to ``base_url`` + the older
    endpoint's path, as a form; return the 200 answer. Retries and raises as :func:`post`."""
    from analysis.data.portal import legacy

    return send(base_url.rstrip("/") + legacy.PATH, legacy.form_body(year, month),
                "application/x-www-form-urlencoded; charset=UTF-8", **kw)


def send(url: str, data: bytes, content_type: str, *, timeout: float = TIMEOUT, attempts: int = ATTEMPTS,
         backoff: float = BACKOFF, sleep=time.sleep, log=lambda msg: None) -> Answer:
    """POST ``data`` to ``url``; return the 200 answer. Retries and raises as :func:`post`."""
    wait = backoff
    last = "no attempt made"
    for attempt in range(1, attempts + 1):
        req = urllib.request.Request(url, data=data, method="POST", headers={
            "User-Agent": USER_AGENT, "Content-Type": content_type, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return Answer(resp.status, resp.read(), url)
        except Exception as exc:  # classified below; anything unexpected is re-raised
            retry, reason, status, body_bytes, after = _retryable(exc)
            last = f"{url}: {reason} (attempt {attempt} of {attempts})"
            if not retry or attempt == attempts:
                raise PortalUnavailable(last, body_bytes, status) from None
            pause = min(after, MAX_RETRY_AFTER) if after is not None else wait
            log(f"{last}; retrying in {pause:g} s")
            sleep(pause)
            wait *= 2
    raise PortalUnavailable(last)  # pragma: no cover - the loop returns or raises
