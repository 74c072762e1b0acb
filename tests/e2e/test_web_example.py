"""The example web page (examples/web) in a real headless Chromium, calling the sample service through Centrifugo.

The page is built as the README tells a newcomer to build it: ``npm ci``, ``npm run sdk`` (the SDK
tarball, freshly built, installed with npm), ``npm run build`` (``tsc`` strict, then a production
``vite build``, which also checks the SDK bundles for browsers). The built files are served on
loopback, and Playwright opens them in Debian's ``chromium`` (Playwright's own browser download is
not used). Set ``WEB_EXAMPLE_SCREENSHOT=path.png`` to save the page as the README shows it
(``make web-screenshot``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from centrifuge import Client
from playwright.sync_api import Browser, Page, expect, sync_playwright
from stack import LOOPBACK, Stack

from hatch_centrifugo_sdk.ir.model import Channel

from .conftest import run_sample

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "examples" / "web"
USER = "alice"
# The connection refused for the page's origin shows after the SDK's connect timeout (5 s on the page).
PAGE_TIMEOUT_MS = 30_000

pytestmark = pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")), reason="needs node and npm")


def _run(cmd: list[str], cwd: Path) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} in {cwd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def built_page(sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The production build of a clean copy of examples/web, with the freshly built SDK tarball."""
    root = tmp_path_factory.mktemp("web-example")
    app = root / "examples" / "web"
    shutil.copytree(WEB, app, ignore=shutil.ignore_patterns("node_modules", "dist", "*.png"))
    # Where `npm run sdk` looks for it, as after `make demo`.
    tarball = sample_sdks["typescript"]
    (root / "sample_service" / "dist" / "sdk").mkdir(parents=True)
    shutil.copy(tarball, root / "sample_service" / "dist" / "sdk" / tarball.name)
    _run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], app)
    _run(["npm", "run", "sdk", "--", "--prefer-offline", "--loglevel=error"], app)
    _run(["npm", "run", "build"], app)
    assert (app / "dist" / "index.html").is_file()
    return app / "dist"


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _serve(directory: Path) -> Iterator[str]:
    """``directory`` over HTTP on a free loopback port; yields the page's origin."""
    server = ThreadingHTTPServer((LOOPBACK, 0), functools.partial(_QuietFiles, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def origins(built_page: Path) -> Iterator[tuple[str, str]]:
    """The same page at two origins: the one Centrifugo allows, and one it does not."""
    with _serve(built_page) as allowed, _serve(built_page) as other:
        yield allowed, other


@pytest.fixture(scope="module")
def web_stack(
    origins: tuple[str, str], tmp_path_factory: pytest.TempPathFactory, sample_channels: tuple[Channel, ...]
) -> Iterator[Stack]:
    with run_sample(tmp_path_factory.mktemp("web-stack"), sample_channels, allowed_origins=[origins[0]]) as stack:
        yield stack


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "tests/e2e/test_web_example.py: the browser test needs Debian's chromium on PATH and found none; "
            "fix: apt-get install chromium (make test installs it when it runs as root where apt-get is), "
            "or put a Chromium named chromium on PATH"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


def _calls(stack: Stack, user: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Replies to ``calls`` made as ``user`` through Centrifugo with centrifuge-python (not the page)."""

    async def run() -> list[Any]:
        client = Client(stack.ws_url, token=stack.token(user))
        await client.connect()
        try:
            return [(await client.rpc(method, params)).data for method, params in calls]
        finally:
            await client.disconnect()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()


def _open(browser: Browser, origin: str, stack: Stack, user: str) -> tuple[Page, list[str], list[str]]:
    """The page at ``origin`` with the development query string, its uncaught errors and its console's."""
    page = browser.new_page(viewport={"width": 900, "height": 600})
    uncaught: list[str] = []
    console: list[str] = []
    page.on("pageerror", lambda error: uncaught.append(str(error)))
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.goto(f"{origin}/?url={stack.ws_url}&token={stack.token(user)}")
    return page, uncaught, console


def test_the_page_shows_the_services_results_and_a_typed_error(
    browser: Browser, origins: tuple[str, str], web_stack: Stack
) -> None:
    seeded = _calls(
        web_stack,
        USER,
        [
            ("tasks.create", {"user_id": USER, "title": "Write the docs"}),
            ("tasks.create", {"user_id": USER, "title": "Ship the release"}),
            ("todos.create", {"title": "Read the README"}),
        ],
    )
    _calls(web_stack, "bob", [("todos.create", {"title": "Bob's own todo"})])
    first_todo = seeded[2]["todo"]

    page, uncaught, console = _open(browser, origins[0], web_stack, USER)
    expect(page.locator("#status")).to_have_text(f"Connected as {USER}", timeout=PAGE_TIMEOUT_MS)
    fields = ("user", "total", "completed", "pending")
    stats = {field: page.locator(f'#stats dd[data-field="{field}"]').inner_text() for field in fields}
    assert stats == {"user": USER, "total": "2", "completed": "0", "pending": "2"}
    assert page.locator("#todos li").all_inner_texts() == [f"#{first_todo['id']} Read the README"]
    # tasks.get of a missing task: the SDK's RpcError, named by the ErrorCode of the ./errors subpath.
    expect(page.locator("#error")).to_have_text("BAD_REQUEST (400): Task 999999 not found")

    page.locator("#todo-title").fill("Try the SDK in a browser")
    page.locator("#add-todo button").click()
    expect(page.locator("#todos li")).to_have_count(2, timeout=PAGE_TIMEOUT_MS)
    # What the page shows is what the service stored for alice, newest first.
    stored = _calls(web_stack, USER, [("todos.list", {})])[0]["todos"]
    assert [todo["title"] for todo in stored] == ["Try the SDK in a browser", "Read the README"]
    assert page.locator("#todos li").all_inner_texts() == [f"#{t['id']} {t['title']}" for t in stored]
    expect(page.locator("#status")).to_have_text(f"Connected as {USER}; created todo #{stored[0]['id']}")
    assert (uncaught, console) == ([], [])

    screenshot = os.environ.get("WEB_EXAMPLE_SCREENSHOT")
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    page.close()


def test_a_page_from_an_origin_centrifugo_does_not_allow_is_refused(
    browser: Browser, origins: tuple[str, str], web_stack: Stack
) -> None:
    page, uncaught, _ = _open(browser, origins[1], web_stack, USER)
    status = page.locator("#status")
    expect(status).to_have_class("failed", timeout=PAGE_TIMEOUT_MS)
    assert status.inner_text() == (
        f"Could not connect: CONNECTION_CLOSED (2): connect to {web_stack.ws_url}: the server refused the "
        "WebSocket connection (the handshake failed); a browser page whose origin is not in Centrifugo's "
        "client.allowed_origins is refused with 403"
    )
    assert page.locator("#todos li").count() == 0
    assert uncaught == []  # the browser logs the failed handshake itself; the page throws nothing
    page.close()
    # The same page, token and server from the allowed origin connects.
    allowed, _, _ = _open(browser, origins[0], web_stack, USER)
    expect(allowed.locator("#status")).to_have_text(f"Connected as {USER}", timeout=PAGE_TIMEOUT_MS)
    allowed.close()
