"""The live interview's controls in Chromium: a refused microphone, then pause and resume."""

import pytest
from playwright.async_api import expect

from tests.browser.flows import LONG, expect_results, sign_up, start_interview

pytestmark = pytest.mark.timeout(240)
ANSWER = "I planned the migration with my team, tested each step and we shipped it on time."


async def test_a_refused_microphone_is_explained_and_the_paused_interview_goes_on_typed(
    open_refusing_tab,
) -> None:
    tab = await open_refusing_tab()
    page = tab.page
    await sign_up(page)
    await start_interview(page, mode="Voice", questions=1, speak=False)
    await expect(page.get_by_role("heading", name="Question 1 of 1")).to_be_visible(timeout=LONG)
    # The question has been asked: the microphone is asked for, refused, and the page says so.
    await expect(page.get_by_role("alert")).to_contain_text("Microphone access was refused")
    await expect(page.get_by_role("button", name="Done answering")).to_have_count(0)
    answer = page.get_by_label("Your answer")
    await expect(answer).to_be_enabled()

    # Paused: nothing can be answered until it is resumed; then the question is asked again.
    await page.get_by_role("button", name="Pause").click()
    status = page.get_by_role("status")
    await expect(status).to_have_text("Paused")
    await expect(answer).to_be_disabled()
    await expect(page.get_by_role("button", name="Skip question")).to_be_disabled()
    await page.get_by_role("button", name="Resume").click()
    await expect(status).to_have_text("Waiting for your answer")
    await expect(page.get_by_role("button", name="Pause")).to_be_visible()
    await expect(answer).to_be_enabled()
    await answer.fill(ANSWER)
    await page.get_by_role("button", name="Submit answer").click()
    await expect_results(page)
    await expect(page.get_by_role("region", name="Results")).to_contain_text("migration")
    assert tab.errors == []
