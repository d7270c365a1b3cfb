"""Run the dashboard in a real browser: a ``solara run`` server and Debian's Chromium.

Used by tests/test_dashboard.py and by tests/browser/screenshot.py (which makes
docs/dashboard.png). Chromium is Debian's ``/usr/bin/chromium`` driven by
Playwright's Python package: no browser is downloaded (``playwright install``
is never run).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WEEK = re.compile(r"^Week (\d+) of \d+")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running ``solara run`` of the dashboard: its URL and its log."""

    def __init__(self, url: str, log: Path):
        self.url = url
        self.log = log

    def tail(self, n: int = 15) -> str:
        """The last lines of the server's log, for failure messages."""
        lines = self.log.read_text(errors="replace").splitlines()
        return "\n".join(line for line in lines[-n:] if line.strip())


def _wait_for(url: str, proc: subprocess.Popen, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"solara exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"solara did not answer on {url} within {timeout:.0f} s")


@contextmanager
def solara_server(log: Path, timeout: float = 45) -> Iterator[Server]:
    """``solara run sim/viz/dashboard.py`` on a free local port, always stopped on exit.

    Raises:
        RuntimeError: the server exited, or did not answer within ``timeout``
            seconds (the message ends with its log).
    """
    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    cmd = [str(solara), "run", "sim/viz/dashboard.py", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--production", "--no-open"]
    # no usage telemetry from tests: it would only try to reach the network
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the server
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}/", log)
    try:
        try:
            _wait_for(server.url, proc, timeout)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"{exc}; solara's log ends:\n{server.tail()}") from None
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium (never a downloaded browser)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def shown_week(page: Any) -> int:
    """The week the status panel shows."""
    text = page.get_by_text(WEEK).first.inner_text()
    match = WEEK.match(text)
    assert match is not None, text
    return int(match.group(1))


def wait_for_week(page: Any, week: int, timeout_ms: float) -> None:
    """Wait until the status panel shows ``week``."""
    page.get_by_text(re.compile(rf"^Week {week} of \d+")).first.wait_for(timeout=timeout_ms)


def image_sources(page: Any) -> list[str]:
    """The ``src`` of every image (Solara serves each drawn figure as a new blob URL)."""
    return [img.get_attribute("src") or "" for img in page.locator("img").all()]


def drawn_images(page: Any, at_least: int, timeout_ms: float) -> list[str]:
    """The image sources once ``at_least`` images are loaded and stay so.

    Solara swaps a figure's ``<img>`` when it redraws, so a page read right after a
    step can hold only some of its figures; this waits until the count has settled
    (the same sources twice, 200 ms apart) instead of reading a page mid-render.
    """
    script = "n => [...document.images].filter(i => i.complete && i.naturalWidth > 0).length >= n"
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.wait_for_function(script, arg=at_least, timeout=timeout_ms)
        first = image_sources(page)
        page.wait_for_timeout(200)
        second = image_sources(page)
        if first == second and len(second) >= at_least:
            return second
        if time.monotonic() > deadline:
            return second


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the drop-down list labelled ``label``."""
    page.locator(".v-select").filter(has_text=label).first.click()
    page.locator(".v-menu__content .v-list-item").filter(has_text=option).first.click()
