"""Live interviews in Chromium: a spoken one through the fake microphone, and a typed one
that survives its connection being cut."""

import asyncio
import re

import pytest
from playwright.async_api import WebSocketRoute, expect

from tests.browser.conftest import ANSWER_WORDS, PHONE
from tests.browser.flows import LONG, answer_by_text, expect_results, sign_up, start_interview

# Speech synthesis, recognition and evaluation on a shared CI core: more than the default 120 s.
pytestmark = pytest.mark.timeout(600)

# The fake microphone loops a ~6.5 s recording: answering for longer than that holds it whole.
LONGER_THAN_THE_RECORDING = re.compile(r"Answer time 0:(0[89]|[1-5]\d)")
SCORE = re.compile(r"\d+(\.\d)?/10")


def heard(text: str) -> list[str]:
    return [w for w in ANSWER_WORDS if w in text.lower()]


async def speak_answer(page, number: int, total: int, *, keyboard: bool,  # type: ignore[no-untyped-def]
                       barge_in: bool) -> None:
    await expect(page.get_by_role("heading", name=f"Question {number} of {total}")).to_be_visible(
        timeout=LONG)
    await expect(page.get_by_role("region", name="Question")).not_to_be_empty()
    await expect(page.get_by_role("status")).to_have_text("Listening", timeout=LONG)
    await expect(page.get_by_role("meter", name="Microphone level")).to_be_visible()
    interrupted = page.get_by_text("You spoke over the question, so it stopped.")
    await expect(interrupted).to_have_count(1 if barge_in else 0)
    await expect(page.get_by_text(LONGER_THAN_THE_RECORDING)).to_be_visible(timeout=LONG)
    if keyboard:
        await page.locator("body").press("Space")
    else:
        await page.get_by_role("button", name="Done answering").click()


async def test_a_spoken_interview_shows_transcripts_feedback_and_results(open_tab) -> None:
    tab = await open_tab()
    page = tab.page
    await sign_up(page)
    await start_interview(page, mode="Voice", questions=2)
    # The microphone opens once the first question has been asked, and stays open: the
    # recording (it loops, never silent for more than 2.4 s) talks over the second question
    # (every question is 70+ characters, over 4 s spoken), which stops it and starts the
    # answer at once (barge-in).
    await speak_answer(page, 1, 2, keyboard=False, barge_in=False)
    transcript = page.get_by_role("region", name="Transcript")
    await expect(transcript).to_contain_text(re.compile("|".join(ANSWER_WORDS), re.I), timeout=LONG)
    assert len(heard(await transcript.inner_text())) >= 2, await transcript.inner_text()
    await expect(page.get_by_role("region", name="Feedback")).to_contain_text(SCORE, timeout=LONG)
    await speak_answer(page, 2, 2, keyboard=True, barge_in=True)
    await expect_results(page)
    results = page.get_by_role("region", name="Results")
    answers = await results.locator(".transcript").all_inner_texts()
    assert len(answers) == 2 and all(len(heard(a)) >= 2 for a in answers), answers
    assert tab.errors == []


async def test_a_text_interview_carries_on_after_the_connection_drops(open_tab) -> None:
    tab = await open_tab(PHONE)
    page = tab.page
    blocked = asyncio.Event()
    routes: list[WebSocketRoute] = []

    async def relay(ws: WebSocketRoute) -> None:
        if blocked.is_set():
            await ws.close(code=1011, reason="network down")
            return
        ws.connect_to_server()
        routes.append(ws)

    await page.route_web_socket(re.compile(r"/socket\.io/"), relay)
    await page.reload()  # routing applies to documents loaded after it is set up
    await sign_up(page)
    await start_interview(page, mode="Text", questions=2, speak=False)
    await answer_by_text(page, 1, 2, "I kept a calm team during an outage and we fixed it.")
    await expect(page.get_by_role("heading", name="Question 2 of 2")).to_be_visible(timeout=LONG)
    await expect(page.get_by_label("Your answer")).to_be_enabled(timeout=LONG)
    # The network drops while the answer is being typed; it is submitted while offline.
    blocked.set()
    for ws in routes:
        await ws.close(code=1011, reason="network down")
    await expect(page.get_by_role("status")).to_have_text("Reconnecting")
    await page.get_by_label("Your answer").fill("We migrated the billing system to Kubernetes.")
    await page.get_by_role("button", name="Submit answer").click()
    await expect(page.get_by_role("status")).to_have_text("Reconnecting")
    blocked.clear()
    await expect_results(page)
    await expect(page.get_by_role("region", name="Results")).to_contain_text("Kubernetes")
    # Chromium logs the refused WebSocket handshakes; nothing else may be logged.
    assert [e for e in tab.errors if "WebSocket" not in e] == []
