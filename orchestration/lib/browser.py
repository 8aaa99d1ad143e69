"""Headless-Chromium screenshots of a served web page (the Streamlit app), over DevTools.

Why not ``chromium --screenshot``: Streamlit draws the page over a websocket after the load
event, so the plain flag captures an empty shell (see shared STACK.md section 5). Instead we
start Chromium with ``--remote-debugging-port``, navigate through the DevTools protocol, poll a
JavaScript condition until the app has rendered, then capture the viewport.

Only the standard library and ``websockets`` (already a Streamlit dependency) are used.

CLI::

    uv run python -m orchestration.lib.browser http://127.0.0.1:8501/ out.png [--width 1440]
        [--height 900] [--timeout 60] [--wait-js "<js expression>"]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Flags from STACK.md: no sandbox (containers/CI), no GPU, and nothing that phones home.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)

# A Streamlit page is ready when its main block has content and the "running" status widget
# is gone. Callers add their own page-specific condition (e.g. a count of KPI tiles).
STREAMLIT_READY_JS = (
    "!!document.querySelector('[data-testid=\"stMain\"]')"
    ' && document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stElementContainer"]\').length > 0'
    " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
)

# Text of any Streamlit exception box (st.exception or an uncaught error in a page).
EXCEPTIONS_JS = (
    "Array.from(document.querySelectorAll('[data-testid=\"stException\"]')).map(e => e.innerText)"
)


class BrowserError(RuntimeError):
    pass


@dataclass
class ScreenshotResult:
    path: Path
    ready: bool
    seconds: float
    exceptions: list[str] = field(default_factory=list)
    collected: object = None  # the value of ``collect_js`` after the page was ready


def chromium_available(executable: str = DEFAULT_CHROMIUM) -> bool:
    return Path(executable).exists() or shutil.which(executable) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    """Poll ``url`` until it answers 200 (e.g. Streamlit's ``/_stcore/health``)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError as exc:  # connection refused while the server starts
            last = exc
        time.sleep(0.25)
    raise BrowserError(f"{url} did not answer within {timeout:.0f}s ({last})")


def _page_ws_url(debug_port: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{debug_port}/json/list", timeout=2) as r:
                targets = json.load(r)
            for t in targets:
                if t.get("type") == "page" and t.get("webSocketDebuggerUrl"):
                    return t["webSocketDebuggerUrl"]
        except OSError:
            pass
        time.sleep(0.2)
    raise BrowserError(f"Chromium's DevTools endpoint on port {debug_port} did not come up")


class _Cdp:
    """Minimal DevTools client: send a command, wait for its result (events are skipped)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.ids = itertools.count(1)

    async def call(self, method: str, **params):
        msg_id = next(self.ids)
        await self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(await self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    async def evaluate(self, expression: str):
        res = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return res.get("result", {}).get("value")


async def _capture(
    ws_url: str,
    url: str,
    out: Path,
    width: int,
    height: int,
    wait_js: str,
    timeout: float,
    settle: float,
    collect_js: str | None,
) -> ScreenshotResult:
    started = time.monotonic()
    async with websockets.connect(ws_url, max_size=None) as ws:
        cdp = _Cdp(ws)
        await cdp.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        await cdp.call("Page.enable")
        await cdp.call("Page.navigate", url=url)
        ready = False
        deadline = started + timeout
        while time.monotonic() < deadline:
            if await cdp.evaluate(f"!!({wait_js})"):
                # Re-check after a short pause: a rerun can start right after the first paint.
                await asyncio.sleep(settle)
                if await cdp.evaluate(f"!!({wait_js})"):
                    ready = True
                    break
            await asyncio.sleep(0.25)
        exceptions = await cdp.evaluate(EXCEPTIONS_JS) or []
        collected = await cdp.evaluate(collect_js) if collect_js else None
        shot = await cdp.call("Page.captureScreenshot", format="png")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(shot["data"]))
    return ScreenshotResult(
        path=out,
        ready=ready,
        seconds=time.monotonic() - started,
        exceptions=list(exceptions),
        collected=collected,
    )


def screenshot(
    url: str,
    out: str | Path,
    *,
    width: int = 1440,
    height: int = 900,
    wait_js: str = STREAMLIT_READY_JS,
    timeout: float = 60.0,
    settle: float = 1.0,
    collect_js: str | None = None,
    executable: str = DEFAULT_CHROMIUM,
) -> ScreenshotResult:
    """Open ``url`` in headless Chromium, wait until ``wait_js`` is true, save a PNG.

    Returns whether the condition became true before ``timeout`` (the PNG is saved either way,
    so a failure can be looked at), the text of any Streamlit exception shown, and the value
    of ``collect_js`` (a JSON-serialisable expression, e.g. the KPI texts) if given.
    """
    if not chromium_available(executable):
        raise BrowserError(f"Chromium not found at {executable}")
    out = Path(out)
    debug_port = free_port()
    profile = tempfile.mkdtemp(prefix="switchboard-chromium-")
    cmd = [
        executable,
        *CHROMIUM_FLAGS,
        f"--remote-debugging-port={debug_port}",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "about:blank",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ws_url = _page_ws_url(debug_port, timeout=30)
        return asyncio.run(
            _capture(ws_url, url, out, width, height, wait_js, timeout, settle, collect_js)
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--width", type=int, default=1440)
    p.add_argument("--height", type=int, default=900)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--wait-js", default=STREAMLIT_READY_JS)
    p.add_argument("--chromium", default=DEFAULT_CHROMIUM)
    args = p.parse_args(argv)
    res = screenshot(
        args.url,
        args.out,
        width=args.width,
        height=args.height,
        wait_js=args.wait_js,
        timeout=args.timeout,
        executable=args.chromium,
    )
    print(f"saved {res.path} ({'ready' if res.ready else 'NOT ready'}, {res.seconds:.1f}s)")
    for text in res.exceptions:
        print(f"exception shown on page:\n{text}", file=sys.stderr)
    return 0 if res.ready and not res.exceptions else 1


if __name__ == "__main__":
    sys.exit(main())
