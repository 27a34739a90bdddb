"""Browser tests: Debian's Chromium driven by Playwright, against an in-process server.

Chromium's fake microphone plays a WAV file that the session synthesises with Piper, so a
spoken answer is real speech all the way to the server's speech-to-text. Every page records
console errors and uncaught exceptions; a test fails if any appear (`page_errors`)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from mockmate.providers.groq_stt import pcm_to_wav
from tests.support.audio import speech_16k

CHROMIUM = "/usr/bin/chromium"
# Spoken by the fake microphone. Its key words are asserted in the transcripts.
ANSWER_TEXT = "I led the project with my team and we shipped it to our customers on time."
ANSWER_WORDS = ("project", "team", "customers")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fake microphone's recording: a short pause, the answer, then silence (it loops)."""
    audio = speech_16k(0.4, ANSWER_TEXT, 2.0)
    path = tmp_path_factory.mktemp("mic") / "answer.wav"
    path.write_bytes(pcm_to_wav(audio))
    return path


QUIET = ["--autoplay-policy=no-user-gesture-required", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
async def browser(answer_wav: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={answer_wav}", *QUIET,
        ])
        yield browser
        await browser.close()


@pytest.fixture
async def refusing_browser(answer_wav: Path) -> AsyncIterator[Browser]:
    """A microphone is plugged in, but the person refuses it: without
    `--use-fake-ui-for-media-stream` nothing grants the permission, and Playwright's contexts
    answer an ungranted permission prompt with a refusal."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={answer_wav}", *QUIET,
        ])
        yield browser
        await browser.close()


class Tab:
    """A page plus what it logged: `errors` holds console errors and uncaught exceptions."""

    def __init__(self, context: BrowserContext, page: Page):
        self.context, self.page = context, page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))


# What a person would wait for a page to react, on a busy two-core CI machine. Playwright's
# assertions default to 5 s: a sign-up (an argon2 hash while the speech models load) took
# longer than that in one full run, and the spoken test failed on it.
expect.set_options(timeout=30_000)


@pytest.fixture
def open_tab(server_url: str, browser: Browser):  # type: ignore[no-untyped-def]
    """`await open_tab(viewport)`: a fresh browser context (own session storage) on `/`.
    The server is set up before the browser, so the browser closes (and its sockets with
    it) first: a server stopped under open sockets waits out its shutdown timeout."""
    return tab_opener(browser, server_url)


@pytest.fixture
def open_refusing_tab(server_url: str, refusing_browser: Browser):  # type: ignore[no-untyped-def]
    """`open_tab`, in a browser whose microphone permission is refused."""
    return tab_opener(refusing_browser, server_url)


def tab_opener(browser: Browser, server_url: str):  # type: ignore[no-untyped-def]
    tabs: list[Tab] = []

    async def open_(viewport: dict[str, int] = DESKTOP) -> Tab:
        context = await browser.new_context(viewport=viewport, base_url=server_url)
        context.set_default_timeout(30_000)
        page = await context.new_page()
        tab = Tab(context, page)
        tabs.append(tab)
        await page.goto("/")
        return tab

    return open_
