"""Screenshots of every page of the web client, desktop (1280 px) and phone (375 px), from a
real run: a `mockmate serve` on embedded defaults in a temporary data directory, a verified
expert made through REST (`mockmate token --admin` for the admin), and Chromium driven by
Playwright through a spoken and a typed interview. Writes docs/screenshots/*.png.

    .venv/bin/python scripts/screenshots.py      (needs /usr/bin/chromium and playwright)
"""

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from playwright.async_api import Page, async_playwright, expect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockmate.providers.groq_stt import pcm_to_wav  # noqa: E402
from tests.support.audio import speech_16k  # noqa: E402
from tests.support.marketplace import PDF, application  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 760}}
LONG = 120_000
ANSWER = ("In my last role I led the migration of our payments service. The old system failed "
          "under load, so my task was to move it without downtime. I planned the steps, wrote "
          "tests and rolled it out gradually. As a result errors fell by ninety percent.")


def mockmate(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "mockmate", *args], env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


async def verified_expert(url: str, env: dict[str, str]) -> None:
    admin = mockmate(env, "token", "admin@example.com", "--admin")
    async with aiohttp.ClientSession() as http:
        async with http.post(url + "/api/auth/register", json={
            "email": "grace@example.com", "password": "correct horse battery",
            "display_name": "Grace Hopper"}) as r:
            token = (await r.json())["token"]
        body = application(first_name="Grace", last_name="Hopper",
                           bio="Engineering director; ran 400+ interviews at two big tech firms.",
                           specialties=[{"type": "behavioral", "session_types": [
                               "mock_interview", "career_coaching"]}],
                           pricing={"mock_interview": {"hourly_cents": 9_000},
                                    "career_coaching": {"hourly_cents": 7_500}})
        headers = {"Authorization": f"Bearer {token}"}
        async with http.post(url + "/api/experts", json=body, headers=headers) as r:
            expert_id = (await r.json())["expert"]["id"]
        for doc_type in ("identity", "employment"):
            form = aiohttp.FormData()
            form.add_field("type", doc_type)
            form.add_field("file", PDF, filename="doc.pdf",
                           content_type="application/octet-stream")
            async with http.post(f"{url}/api/experts/{expert_id}/documents", data=form,
                                 headers=headers) as r:
                assert r.status == 201, await r.text()
            async with http.post(f"{url}/api/admin/experts/{expert_id}/verify",
                                 json={"document_type": doc_type, "approved": True},
                                 headers={"Authorization": f"Bearer {admin}"}) as r:
                assert r.status == 200, await r.text()


async def shoot(page: Page, name: str, size: str) -> None:
    await page.evaluate("window.scrollTo(0, 0)")  # the sticky bar belongs at the top
    await page.wait_for_timeout(400)  # let charts and transitions settle before the picture
    await page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=True)
    print("wrote", OUT / f"{name}-{size}.png")


async def tour(browser: Any, url: str, size: str) -> None:
    context = await browser.new_context(viewport=SIZES[size], base_url=url,
                                        device_scale_factor=1)
    context.set_default_timeout(LONG)
    page = await context.new_page()
    await page.goto("/")
    await shoot(page, "sign-in", size)
    await page.get_by_role("button", name="Create an account").click()
    await page.get_by_label("Email").fill(f"{uuid.uuid4().hex[:8]}@example.com")
    await page.get_by_label("Password").fill("correct horse battery")
    await page.get_by_label("Name").fill("Ada Lovelace")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_label("Role").fill("Backend engineer")
    await page.get_by_label("Job description").fill("Python services, payments, on-call.")
    await page.get_by_label("Number of questions").fill("2")
    await shoot(page, "start", size)

    # A spoken answer to the first question, a typed one to the second.
    await page.get_by_role("button", name="Start interview").click()
    await expect(page.get_by_role("status")).to_have_text("Listening")
    await expect(page.get_by_text("Answer time 0:04")).to_be_visible()
    await shoot(page, "voice-answer", size)
    await expect(page.get_by_text("Answer time 0:09")).to_be_visible()
    await page.get_by_role("button", name="Done answering").click()
    await expect(page.get_by_role("heading", name="Question 2 of 2")).to_be_visible()
    await expect(page.get_by_role("region", name="Feedback")).to_contain_text("/10")
    await page.get_by_role("button", name="Done answering").wait_for()
    await shoot(page, "live-feedback", size)
    await expect(page.get_by_text("Answer time 0:09")).to_be_visible()
    await page.get_by_role("button", name="Done answering").click()
    await expect(page.get_by_role("region", name="Results")).to_contain_text("Overall score")
    await shoot(page, "results", size)

    for link, name in (("History", "history"), ("Progress", "progress"),
                       ("Experts", "experts")):
        await page.get_by_role("link", name=link, exact=True).click()
        await page.get_by_role("heading", name=link).first.wait_for()
        await shoot(page, name, size)
    await page.get_by_role("link", name="Grace Hopper").click()
    times = page.get_by_role("region", name="Available times")
    await times.get_by_role("button").nth(3).click()
    await page.get_by_role("button", name="Book", exact=True).click()
    await page.get_by_role("button", name="Pay (test mode)").click()
    await expect(page.get_by_role("status")).to_contain_text("confirmed")
    await shoot(page, "expert", size)
    # The payment's notification arrives live; the inbox also holds the interview's badge.
    bell = page.get_by_role("button", name="Notifications")
    await expect(bell).to_have_accessible_name(re.compile(r"unread$"))
    await bell.click()
    await expect(page.get_by_role("region", name="Inbox")).to_contain_text("Session confirmed")
    await shoot(page, "notifications", size)
    await bell.click()
    await page.get_by_role("link", name="Bookings", exact=True).click()
    await expect(page.get_by_role("main")).to_contain_text("confirmed")
    await shoot(page, "bookings", size)
    await context.close()


def answer_wav(folder: Path) -> Path:
    path = folder / "answer.wav"
    path.write_bytes(pcm_to_wav(speech_16k(0.4, ANSWER, 3.0)))
    return path


async def main() -> None:
    expect.set_options(timeout=LONG)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # Embedded defaults (no REDIS_URL or MONGODB_URL), as a new user gets.
        env = {"MOCKMATE_DATA_DIR": str(Path(tmp) / "data"), "MOCKMATE_TTS_PREWARM": "false"}
        server = await ServerProcess(env, Path(tmp) / "serve.log").ready()
        try:
            await verified_expert(server.url, {**os.environ, **env})
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-audio-capture={answer_wav(Path(tmp))}",
                    "--autoplay-policy=no-user-gesture-required", "--no-sandbox",
                    "--disable-gpu", "--hide-scrollbars"])
                for size in SIZES:
                    await tour(browser, server.url, size)
                await browser.close()
        finally:
            server.terminate()

if __name__ == "__main__":
    asyncio.run(main())
