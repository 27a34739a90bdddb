"""Every typed success response of docs/openapi.json against a real server: a user signs up,
signs in with two-factor, resets a password, takes an interview, books an expert and so on,
and each JSON answer is validated against the schema the served `/openapi.json` declares for
its route. The routes seen must be every typed route, so a handler that starts sending
something its model does not describe, or a typed route nobody exercised, fails here."""

import asyncio
import io
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pyotp
import pytest
from PIL import Image

from mockmate.config import Settings
from tests.fakes.stripe import event_payload, sign_webhook
from tests.integration.test_progress import complete_interview
from tests.support.audio import encode, speech_16k
from tests.support.client import Candidate
from tests.support.marketplace import (
    FAST,
    HOUR,
    PDF,
    Api,
    Market,
    application,
    booking_body,
    first_slot,
)
from tests.support.openapi_check import CheckedApi, Documented
from tests.support.resumes import resume_pdf
from tests.support.server import running_app, settings_from
from tests.support.smtp import Inbox, body_of

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(deployment_env: dict[str, str], inbox: Inbox) -> Settings:
    return settings_from(deployment_env, MOCKMATE_SMTP_URL=inbox.url,
                         MOCKMATE_PUBLIC_URL="https://mockmate.example", **FAST)


@pytest.fixture
async def url(settings: Settings) -> AsyncIterator[str]:
    async with running_app(settings) as url:
        yield url


class Scenario:
    """One deployment's users, every answer checked against the served document."""

    def __init__(self, url: str, http: aiohttp.ClientSession, documented: Documented,
                 inbox: Inbox, settings: Settings):
        self.url, self.http, self.documented, self.inbox = url, http, documented, inbox
        self.settings = settings
        self.market = Market(url, settings, http)
        self.clients: list[Candidate] = []

    def api(self, token: str | None = None, user_id: str = "") -> CheckedApi:
        return CheckedApi(Api(self.url, token, self.http, user_id), self.documented)

    def checked(self, api: Api) -> CheckedApi:
        return CheckedApi(api, self.documented)

    async def sign_up(self) -> tuple[CheckedApi, dict[str, Any]]:
        email = f"{uuid.uuid4().hex[:10]}@example.com"
        status, body = await self.api().post("/api/auth/register", {
            "email": email, "password": PASSWORD, "display_name": "Ada"})
        assert status == 201, body
        return self.api(body["token"], body["user"]["id"]), body

    async def ok(self, api: Api, method: str, path: str, body: Any = None,
                 **kwargs: Any) -> Any:
        if method == "GET":
            status, answer = await api.get(path, **kwargs)
        elif "data" in kwargs:
            status, answer = await api.request(method, path, **kwargs)
        else:
            status, answer = await api.request(method, path, json=body, **kwargs)
        assert 200 <= status < 300, (method, path, status, answer)
        return answer


async def account_routes(s: Scenario) -> None:
    api, signed_up = await s.sign_up()
    email = signed_up["user"]["email"]
    anonymous = s.api()
    await s.ok(anonymous, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    await s.ok(api, "GET", "/api/auth/me")
    refreshed = await s.ok(anonymous, "POST", "/api/auth/refresh",
                           {"refresh_token": signed_up["refresh_token"]})
    api = s.api(refreshed["token"], api.user_id)
    devices = await s.ok(api, "GET", "/api/auth/devices")
    other = [d for d in devices["devices"] if not d["current"]]
    assert other  # the first login's device
    await s.ok(api, "DELETE", f"/api/auth/devices/{other[0]['id']}")
    # Two-factor sign-in: on, a sign-in in two steps, off.
    await s.ok(api, "GET", "/api/auth/2fa")
    setup = await s.ok(api, "POST", "/api/auth/2fa/setup")
    enabled = await s.ok(api, "POST", "/api/auth/2fa/enable",
                         {"code": pyotp.TOTP(setup["secret"]).now()})
    challenge = await s.ok(anonymous, "POST", "/api/auth/login",
                           {"email": email, "password": PASSWORD})
    assert challenge["mfa_required"] is True
    await s.ok(anonymous, "POST", "/api/auth/login/2fa", {
        "mfa_token": challenge["mfa_token"], "recovery_code": enabled["recovery_codes"][0]})
    await s.ok(api, "POST", "/api/auth/2fa/disable",
               {"recovery_code": enabled["recovery_codes"][1]})
    changed = await s.ok(api, "POST", "/api/auth/password/change",
                         {"old_password": PASSWORD, "new_password": "new passphrase!"})
    api = s.api(changed["token"], api.user_id)
    await s.ok(anonymous, "POST", "/api/auth/password/forgot", {"email": email})
    token = re.search(r"reset-password\?token=(\S+)", body_of(await s.inbox.next()))
    assert token is not None
    await s.ok(anonymous, "POST", "/api/auth/password/reset",
               {"token": token.group(1), "password": PASSWORD})
    signed_in = await s.ok(anonymous, "POST", "/api/auth/login",
                           {"email": email, "password": PASSWORD})
    api = s.api(signed_in["token"], api.user_id)
    await s.ok(api, "POST", "/api/auth/logout-all")
    signed_in = await s.ok(anonymous, "POST", "/api/auth/login",
                           {"email": email, "password": PASSWORD})
    await s.ok(s.api(signed_in["token"]), "POST", "/api/auth/logout")
    await s.ok(anonymous, "GET", "/health")


async def progress_routes(s: Scenario) -> Candidate:
    """A candidate who took a two-question text interview, then their `/api/me` views."""
    api, _ = await s.sign_up()
    client = await Candidate(s.url, api.token or "").connect()
    s.clients.append(client)
    await complete_interview(client)
    await s.ok(api, "GET", "/api/me/profile")
    await s.ok(api, "PATCH", "/api/me/profile", {"bio": "Backend engineer."})
    await s.ok(api, "GET", "/api/me/statistics")
    await s.ok(api, "GET", "/api/me/statistics", range="month")
    await s.ok(api, "GET", "/api/me/benchmarks")
    await s.ok(api, "POST", "/api/me/learning-path",
               {"minutes_per_week": 24, "target_role": "Backend Engineer"})
    await s.ok(api, "GET", "/api/me/learning-path")
    view = await s.ok(api, "GET", "/api/me/gamification")
    keep = next(c for c in view["challenges"] if c["kind"] == "keep_streak")
    await s.ok(api, "POST", f"/api/me/challenges/{keep['id']}/claim")
    await s.ok(api, "POST", "/api/me/onboarding/complete")
    deadline = (datetime.now(UTC).date() + timedelta(days=20)).isoformat()
    goal = await s.ok(api, "POST", "/api/me/goals", {
        "kind": "category_mastery", "target": 5, "category": "technical",
        "deadline": deadline})
    goal_id = goal["goal"]["id"]
    await s.ok(api, "PATCH", f"/api/me/goals/{goal_id}", {"paused": True})
    await s.ok(api, "GET", "/api/me/goals")
    await s.ok(api, "DELETE", f"/api/me/goals/{goal_id}")
    return client


async def history_routes(s: Scenario, api: CheckedApi) -> None:
    """The interview just taken, in the history, shared and deleted."""
    listed = await s.ok(api, "GET", "/api/interviews")
    await s.ok(api, "GET", "/api/interviews", status="completed", q="engineer")
    interview_id = listed["interviews"][0]["id"]
    detail = await s.ok(api, "GET", f"/api/interviews/{interview_id}")
    assert detail["interview"]["answers"][0]["evaluation"] is not None
    link = await s.ok(api, "POST", f"/api/interviews/{interview_id}/share", {})
    await s.ok(s.api(), "GET", f"/api/share/{link['token']}")
    await s.ok(api, "DELETE", f"/api/interviews/{interview_id}/share/{link['token']}")
    await s.ok(api, "DELETE", f"/api/interviews/{interview_id}")


async def marketplace_routes(s: Scenario, candidate: CheckedApi) -> None:
    """An expert applies and is verified; `candidate` finds, books, pays, reschedules,
    cancels, gives feedback and reports a no-show; the payment webhook; calendar feeds."""
    admin = s.checked(await s.market.admin())
    expert = s.checked(await s.market.user())
    applied = await s.ok(expert, "POST", "/api/experts", application())
    expert_id = applied["expert"]["id"]
    await s.ok(admin, "GET", "/api/admin/experts", status="pending")
    for doc_type in ("identity", "employment"):
        status, body = await expert.upload(expert_id, doc_type, PDF)
        assert status == 201, body
        await s.ok(admin, "POST", f"/api/admin/experts/{expert_id}/verify",
                   {"document_type": doc_type, "approved": True})
    await s.ok(expert, "GET", "/api/experts/me")
    await s.ok(expert, "PATCH", "/api/experts/me", {"bio": "Now also coaching."})
    await s.ok(candidate, "GET", "/api/experts", q="engineer")
    await s.ok(candidate, "GET", f"/api/experts/{expert_id}")
    start = await first_slot(candidate, expert_id, 30 * HOUR)
    booked = await s.ok(candidate, "POST", "/api/bookings", booking_body(expert_id, start))
    booking_id = booked["booking"]["id"]
    await s.ok(candidate, "POST", f"/api/bookings/{booking_id}/test-payment",
               {"succeed": True})
    later = await first_slot(candidate, expert_id, 60 * HOUR)
    await s.ok(candidate, "POST", f"/api/bookings/{booking_id}/reschedule", {"start": later})
    await s.ok(candidate, "GET", "/api/bookings")
    await s.ok(expert, "GET", f"/api/bookings/{booking_id}")
    # The candidate's interview, for the expert to review.
    interviews = await s.ok(candidate, "GET", "/api/interviews")
    interview_id = interviews["interviews"][0]["id"]
    await s.ok(candidate, "PUT", f"/api/bookings/{booking_id}/interviews",
               {"interview_ids": [interview_id]})
    await s.ok(expert, "GET", f"/api/bookings/{booking_id}/interviews")
    await s.ok(expert, "GET", f"/api/bookings/{booking_id}/review")
    await s.ok(expert, "PUT",
               f"/api/bookings/{booking_id}/review/interviews/{interview_id}/answers/0",
               {"criteria": {"examples": {"score": 9.0, "comment": "Specific."}},
                "comment": "Good story."})
    await s.market.started_ago(booking_id, hours=2)
    await s.ok(candidate, "POST", f"/api/bookings/{booking_id}/feedback", {
        "rating": 4, "preparation": 5, "communication": 4, "expertise": 5, "helpfulness": 4,
        "would_recommend": True, "comment": "Sharp questions."})
    await s.ok(expert, "POST", f"/api/bookings/{booking_id}/feedback", {
        "strengths": ["Clear structure"], "readiness": "almost_ready"})
    await s.ok(candidate, "GET", f"/api/bookings/{booking_id}")
    # Another, the expert does not come to; a third, cancelled; a fourth, paid by webhook.
    absent = await s.ok(candidate, "POST", "/api/bookings", booking_body(
        expert_id, await first_slot(candidate, expert_id, 30 * HOUR)))
    await s.ok(candidate, "POST", f"/api/bookings/{absent['booking']['id']}/test-payment",
               {"succeed": True})
    await s.market.started_ago(absent["booking"]["id"], hours=0.5)
    await s.ok(candidate, "POST", f"/api/bookings/{absent['booking']['id']}/no-show", {})
    cancelled = await s.ok(candidate, "POST", "/api/bookings", booking_body(
        expert_id, await first_slot(candidate, expert_id, 30 * HOUR)))
    await s.ok(candidate, "POST", f"/api/bookings/{cancelled['booking']['id']}/cancel",
               {"reason": "a clash"})
    paid = await s.ok(candidate, "POST", "/api/bookings", booking_body(
        expert_id, await first_slot(candidate, expert_id, 30 * HOUR)))
    intent = {"id": paid["payment"]["client_secret"].split("_secret_")[0],
              "object": "payment_intent", "amount": paid["payment"]["amount_cents"],
              "currency": "usd", "status": "succeeded",
              "metadata": {"booking_id": paid["booking"]["id"]}}
    payload = event_payload("payment_intent.succeeded", intent)
    secret = (s.settings.data_dir / "webhook_secret").read_text()
    await s.ok(s.api(), "POST", "/api/payments/webhook", headers={
        "Stripe-Signature": sign_webhook(payload, secret),
        "Content-Type": "application/json"}, data=payload)
    await s.ok(candidate, "GET", "/api/me/calendar")
    await s.ok(candidate, "POST", "/api/me/calendar/rotate")
    await s.ok(expert, "POST", "/api/experts/me/payouts/onboard")
    await s.ok(expert, "GET", "/api/experts/me/earnings")
    await s.ok(admin, "POST", "/api/admin/loadtest/users", {"count": 2, "prefix": "specs"})


async def inbox_routes(s: Scenario, api: CheckedApi) -> None:
    """The booking's notifications, read one by one and all; the settings."""
    inbox = await s.ok(api, "GET", "/api/me/notifications")
    assert inbox["notifications"], "the bookings left no notification"
    await s.ok(api, "POST", f"/api/me/notifications/{inbox['notifications'][0]['id']}/read")
    await s.ok(api, "POST", "/api/me/notifications/read-all")
    await s.ok(api, "GET", "/api/me/notification-settings")
    await s.ok(api, "PUT", "/api/me/notification-settings", {
        "channels": {"booking_confirmed": ["in_app"]},
        "quiet_hours": {"start": "22:00", "end": "07:00"}})


async def practice_routes(s: Scenario, api: CheckedApi) -> None:
    """Skills and insights from the interview taken, a bookmark, a practice session, a
    preview and a profile photo."""
    await s.ok(api, "GET", "/api/me/skills", range="month")
    await s.ok(api, "GET", "/api/me/insights")
    interviews = await s.ok(api, "GET", "/api/interviews")
    interview_id = interviews["interviews"][0]["id"]
    detail = await s.ok(api, "GET", f"/api/interviews/{interview_id}")
    await s.ok(api, "GET",
               f"/api/answers/{detail['interview']['answers'][0]['answer_id']}/comparison")
    marked = await s.ok(api, "POST", "/api/bookmarks", {"interview_id": interview_id,
                                                        "index": 0})
    await s.ok(api, "GET", "/api/bookmarks")
    await s.ok(api, "POST", "/api/practice", {"bookmarks": True, "speak": False})
    await s.ok(api, "GET", "/api/practice", range="week")
    await s.ok(api, "DELETE", f"/api/bookmarks/{marked['bookmark']['id']}")
    await s.ok(api, "POST", "/api/interviews/preview", {
        "role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
        "question_count": 2})
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), "navy").save(picture, "PNG")
    form = aiohttp.FormData()
    form.add_field("file", picture.getvalue(), filename="me.png",
                   content_type="application/octet-stream")
    await s.ok(api, "PUT", "/api/me/photo", data=form)
    await s.ok(api, "DELETE", "/api/me/photo")


async def document_routes(s: Scenario, api: CheckedApi) -> None:
    """A resume uploaded, read, corrected and deleted; a job description analysed; the
    subscription in test mode; a recording transcribed."""
    form = aiohttp.FormData()
    form.add_field("title", "Backend")
    form.add_field("file", resume_pdf(), filename="grace.pdf",
                   content_type="application/octet-stream")
    uploaded = await s.ok(api, "POST", "/api/resumes", data=form)
    resume_id = uploaded["resume"]["id"]
    await s.ok(api, "GET", "/api/resumes")
    await s.ok(api, "GET", f"/api/resumes/{resume_id}")
    await s.ok(api, "PATCH", f"/api/resumes/{resume_id}", {"title": "Backend, 2026"})
    await s.ok(api, "DELETE", f"/api/resumes/{resume_id}")
    await s.ok(api, "POST", "/api/job-descriptions/analyze", {
        "text": "Senior backend engineer: Python, PostgreSQL and Kubernetes; 5+ years."})
    await s.ok(api, "GET", "/api/me/subscription")
    await s.ok(api, "POST", "/api/me/subscription/checkout")
    await s.ok(api, "POST", "/api/me/subscription/test-event", {"type": "created"})
    wav = encode(await asyncio.to_thread(speech_16k, "I measured the latency first."), "wav")
    await s.ok(api, "POST", "/api/speech/transcribe", data=wav,
               headers={"Content-Type": "audio/wav"})


async def test_every_typed_response_is_what_the_server_sends(
    url: str, inbox: Inbox, settings: Settings
) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        async with http.get(f"{url}/openapi.json") as response:
            documented = Documented(await response.json())
        s = Scenario(url, http, documented, inbox, settings)
        try:
            await account_routes(s)
            candidate = s.api((await progress_routes(s)).token)
            await marketplace_routes(s, candidate)
            await inbox_routes(s, candidate)
            await practice_routes(s, candidate)
            await document_routes(s, candidate)
            await history_routes(s, candidate)
            _, last = await s.sign_up()  # (last: it goes)
            await s.ok(s.api(last["token"]), "DELETE", "/api/me")
        finally:
            for client in s.clients:
                await client.close()
            await s.market.close()
    missing = documented.typed() - documented.covered
    assert not missing, f"typed routes no request exercised: {sorted(missing)}"
