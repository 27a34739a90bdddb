"""History, Progress, Experts and Bookings in Chromium, at desktop and phone widths."""

import re

import pytest
from playwright.async_api import expect

from mockmate.config import Settings
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.flows import LONG, answer_by_text, expect_results, sign_up, start_interview
from tests.support.marketplace import market_on

pytestmark = pytest.mark.timeout(240)
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
ANSWER = ("When our release slipped, I was asked to recover it. I split the work, paired with "
          "two engineers and we delivered a week later; customers renewed as a result.")
ONE_UNREAD = re.compile(r"^Notifications\s*1 unread$")


async def fits(page, viewport) -> None:  # type: ignore[no-untyped-def]
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page scrolls sideways ({width} px)"


@WIDTHS
async def test_history_progress_a_goal_and_a_claimed_challenge_after_an_interview(
    open_tab, viewport
) -> None:
    tab = await open_tab(viewport)
    page = tab.page
    await sign_up(page)
    # A goal set before practising: one practice day (the deadline defaults to two weeks).
    await page.get_by_role("link", name="Progress", exact=True).click()
    goals = page.get_by_role("region", name="Goals")
    await goals.get_by_label("Goal").select_option("Practice sessions")
    await goals.get_by_label("Target").fill("1")
    await goals.get_by_role("button", name="Add goal").click()
    goal = goals.get_by_role("listitem").filter(has_text="Practice on 1 different days")
    await expect(goal).to_contain_text("0/1 · active")
    await expect(goal.get_by_role("progressbar")).to_have_attribute("value", "0")

    await start_interview(page, mode="Text", questions=1, speak=False)
    await answer_by_text(page, 1, 1, ANSWER)
    await expect_results(page)

    await page.get_by_role("link", name="History", exact=True).click()
    past = page.get_by_role("list", name="Past interviews").get_by_role("link")
    await expect(past).to_have_count(1)
    await expect(past.first).to_contain_text("completed")
    await past.first.click()
    await expect_results(page)
    await fits(page, viewport)

    await page.get_by_role("link", name="Progress", exact=True).click()
    head = page.get_by_role("region", name="Level and XP")
    for text in ("Level", "XP", "Streak"):
        await expect(head).to_contain_text(text)
    await expect(head).to_contain_text(re.compile(r"XP\s*[1-9]\d*"))
    badges = page.get_by_role("region", name="Badges")
    await expect(badges.get_by_role("listitem").filter(has_text="First Steps")).to_contain_text(
        "Earned", timeout=LONG)
    await expect(badges).to_contain_text("Locked")
    await expect(page.get_by_role("region", name="Challenges")).to_be_visible()
    await expect(page.get_by_role("img", name="Score trend")).to_be_visible()
    # The goal counts the day's practice.
    await expect(goal).to_contain_text("1/1 · achieved")
    await expect(goal.get_by_role("progressbar")).to_have_attribute("value", "1")
    # Answering today completed "Keep the streak": it is claimed once, for its XP.
    challenges = page.get_by_role("region", name="Challenges")
    await challenges.get_by_role("button", name="Claim Keep the streak").click()
    await expect(page.get_by_role("status")).to_contain_text(re.compile(r"Claimed: \+\d+ XP"))
    streak = challenges.get_by_role("listitem").filter(has_text="Keep the streak")
    await expect(streak).to_contain_text("claimed")
    await expect(streak.get_by_role("button")).to_have_count(0)
    await fits(page, viewport)
    assert tab.errors == []


@WIDTHS
async def test_an_expert_is_found_booked_and_paid_in_test_mode(
    open_tab, viewport, server_url: str, settings: Settings
) -> None:
    async with market_on(server_url, settings) as market:
        await market.expert(first_name="Ada", last_name="Lovelace")
        await market.expert(first_name="Alan", last_name="Turing")
    tab = await open_tab(viewport)
    page = tab.page
    await sign_up(page)
    await page.get_by_role("link", name="Experts", exact=True).click()
    await page.get_by_label("Search experts").fill("lovelace")
    await expect(page.get_by_role("link", name="Alan Turing")).to_have_count(0)
    await page.get_by_role("link", name="Ada Lovelace").click()
    times = page.get_by_role("region", name="Available times")
    await times.get_by_role("button").first.click()
    await page.get_by_role("button", name="Book", exact=True).click()
    await page.get_by_role("button", name="Pay (test mode)").click()
    await expect(page.get_by_role("status")).to_contain_text("confirmed")
    await fits(page, viewport)
    # The payment notifies the candidate: the unread count rises live, without a reload.
    bell = page.get_by_role("button", name="Notifications")
    await expect(bell).to_have_accessible_name(ONE_UNREAD, timeout=LONG)
    await bell.click()
    inbox = page.get_by_role("region", name="Inbox")
    confirmed = inbox.get_by_role("listitem").filter(has_text="Session confirmed")
    await expect(confirmed).to_contain_text("Unread")
    await expect(confirmed.locator("time")).not_to_be_empty()
    await fits(page, viewport)
    await confirmed.get_by_role("button", name="Mark as read").click()
    await expect(confirmed).to_contain_text("Read")
    await expect(confirmed).not_to_contain_text("Unread")
    await expect(bell).to_have_accessible_name("Notifications")
    await bell.click()
    await expect(inbox).to_have_count(0)

    await page.get_by_role("link", name="Bookings", exact=True).click()
    await expect(page.get_by_role("main")).to_contain_text("confirmed")
    # Cancelling shows the refund, and notifies it too.
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Cancel booking").click()
    await expect(page.get_by_role("status")).to_contain_text("Refund")
    await expect(page.get_by_role("main")).to_contain_text("cancelled")
    await expect(bell).to_have_accessible_name(ONE_UNREAD, timeout=LONG)
    await bell.click()
    await expect(inbox.get_by_role("listitem").first).to_contain_text("Session cancelled")
    await expect(inbox.get_by_role("listitem").first).to_contain_text("Refund")
    await inbox.get_by_role("button", name="Mark all as read").click()
    await expect(bell).to_have_accessible_name("Notifications")
    await expect(inbox.get_by_text("Unread")).to_have_count(0)
    assert tab.errors == []
