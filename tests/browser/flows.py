"""What a person does in the web client, step by step, found by the names in UI.md."""

import re
import uuid

from playwright.async_api import Page, expect

PASSWORD = "correct horse battery"
LONG = 90_000  # ms: speech synthesis, transcription and evaluation on a busy machine


async def sign_up(page: Page, name: str = "Grace Hopper") -> str:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    await page.get_by_role("button", name="Create an account").click()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("Name").fill(name)
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return email


async def start_interview(page: Page, *, mode: str, questions: int, speak: bool = True) -> None:
    await page.get_by_role("link", name="Interview", exact=True).click()
    await page.get_by_label("Role").fill("Backend engineer")
    await page.get_by_label("Job description").fill("Build reliable Python services with a team.")
    await page.get_by_label("Resume").fill("Five years of Python, led a payments migration.")
    await page.get_by_label("Interview type").select_option("behavioral")
    await page.get_by_label("Difficulty").select_option("mid")
    await page.get_by_label("Number of questions").fill(str(questions))
    await page.get_by_label("Answer mode").select_option(mode)
    if not speak:
        await page.get_by_label("Read questions aloud").uncheck()
    await page.get_by_role("button", name="Start interview").click()


async def answer_by_text(page: Page, number: int, total: int, text: str) -> None:
    await expect(page.get_by_role("heading", name=f"Question {number} of {total}")).to_be_visible(
        timeout=LONG)
    await expect(page.get_by_role("region", name="Question")).not_to_be_empty()
    box = page.get_by_label("Your answer")
    await expect(box).to_be_enabled(timeout=LONG)
    await box.fill(text)
    await page.get_by_role("button", name="Submit answer").click()


async def expect_results(page: Page) -> None:
    results = page.get_by_role("region", name="Results")
    await expect(results).to_be_visible(timeout=LONG)
    await expect(results).to_contain_text("Overall score")
    await expect(results).to_contain_text(re.compile(r"\d+(\.\d)?/10"))
