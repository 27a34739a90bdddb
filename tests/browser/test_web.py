"""The web client through Chromium: account, text interview, the served files' headers."""

import re

import aiohttp
from playwright.async_api import expect

from tests.browser.conftest import PHONE
from tests.browser.flows import (
    LONG,
    PASSWORD,
    answer_by_text,
    expect_results,
    sign_up,
    start_interview,
)

TEXT_ANSWER = ("In my last role I led a migration of our payments service. The situation was "
               "a legacy system failing under load; my task was to move it without downtime. "
               "I planned the steps, wrote tests and rolled it out gradually. As a result "
               "errors fell by ninety percent and the team shipped faster.")


async def test_sign_up_then_a_wrong_password_is_refused_in_words(open_tab) -> None:
    tab = await open_tab()
    page = tab.page
    email = await sign_up(page)
    await page.get_by_role("button", name="Sign out").click()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD + "x")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("email or password is wrong")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    for name in ("Interview", "History", "Progress", "Experts", "Bookings"):
        await expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    # The token lives for the tab's session: a reload keeps the person signed in.
    await page.reload()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # Chromium logs the refused login's HTTP 401 itself; nothing else may be logged.
    assert [e for e in tab.errors if "status of 401" not in e] == []


async def test_a_text_interview_completes_with_results_and_history(open_tab) -> None:
    tab = await open_tab()
    page = tab.page
    await sign_up(page)
    await start_interview(page, mode="Text", questions=2, speak=False)
    for number in (1, 2):
        await answer_by_text(page, number, 2, TEXT_ANSWER)
    await expect_results(page)
    await expect(page.get_by_role("region", name="Results")).to_contain_text("payments")
    await page.get_by_role("link", name="History", exact=True).click()
    await page.get_by_role("link", name=re.compile("Backend engineer")).first.click()
    await expect_results(page)
    assert tab.errors == []


async def test_the_page_is_served_with_caching_compression_and_security_headers(
    server_url: str,
) -> None:
    async with aiohttp.ClientSession(auto_decompress=False) as http:
        async with http.get(server_url + "/", headers={"Accept-Encoding": "gzip"}) as r:
            assert r.status == 200
            assert r.headers["Cache-Control"] == "no-cache"
            assert r.headers["Content-Encoding"] == "gzip"
            csp = r.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert r.headers["Referrer-Policy"] == "no-referrer"
        async with aiohttp.ClientSession() as plain, plain.get(server_url + "/") as r:
            page = await r.text()
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
        assert len(assets) >= 4, page
        for asset in assets:
            async with http.get(server_url + asset) as r:
                assert r.status == 200, asset
                assert "max-age=31536000" in r.headers["Cache-Control"]
                assert "immutable" in r.headers["Cache-Control"]
                etag = r.headers["ETag"]
            async with http.get(server_url + asset, headers={"If-None-Match": etag}) as r:
                assert r.status == 304
        # REST keeps its JSON errors; an unknown asset is a JSON 404 too.
        for path in ("/nope", assets[0].rsplit("/", 1)[0] + "/missing.js"):
            async with http.get(server_url + path) as r:
                assert r.status == 404
                assert (await r.json())["error"]["code"] == "not_found"
        async with http.get(server_url + "/health") as r:
            assert r.status == 200
            assert r.headers["X-Content-Type-Options"] == "nosniff"


async def test_sign_up_and_a_text_interview_at_phone_width(open_tab) -> None:
    tab = await open_tab(PHONE)
    page = tab.page
    await sign_up(page)
    await start_interview(page, mode="Text", questions=1, speak=False)
    await answer_by_text(page, 1, 1, TEXT_ANSWER)
    await expect_results(page)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at 375 px ({width} px)"
    await expect(page.get_by_role("region", name="Feedback")).to_have_count(0, timeout=LONG)
    assert tab.errors == []


async def test_serve_prints_the_address_to_open_and_serves_the_page(spawn, tmp_path) -> None:
    server = await spawn("web").ready()
    async with aiohttp.ClientSession() as http, http.get(server.url + "/") as r:
        assert r.status == 200
        assert "MockMate" in await r.text()
    assert f"open {server.url}/ in a browser" in (tmp_path / "web.log").read_text()
