"""The `bookings` scenario: candidates racing to book the same experts' time.

Setup (not in the figures): `--experts` approved experts (apply, upload identity and
employment documents, approved with the admin token). Then every candidate, ramped over
`--ramp-s`: reads one expert's free slots two days ahead, picks one of the first `--spread`,
books it and, when it got the time, pays in test mode (servers without STRIPE_SECRET_KEY).
Candidates outnumber slots on purpose. A 409 is an outcome, not an error; an overlap between
two confirmed bookings of one expert is (`double_booking`), and must never happen.
"""

import random
import time
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import aiohttp

from mockmate.loadtest.client import Failure
from mockmate.loadtest.stats import Results

PDF = b"%PDF-1.4\n% mockmate loadtest\n" + b"0" * 2048
WEEK = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]
PROFILE = {
    "first_name": "Load", "bio": "Interviews engineers.", "time_zone": "UTC",
    "languages": ["en"], "current_role": "Staff Engineer", "current_company": "Example",
    "years_experience": 10, "industries": ["saas"], "company_types": ["startup"],
    "specialties": [{"type": "technical", "session_types": ["mock_interview"]}],
    "pricing": {"mock_interview": {"hourly_cents": 12000}},
    "availability": {"weekly": WEEK, "blackout_dates": []},
}


class Bookings:
    def __init__(self, http: aiohttp.ClientSession, urls: list[str], admin_token: str,
                 res: Results, *, spread: int, today: date):
        self.http, self.urls, self.admin_token, self.res = http, urls, admin_token, res
        self.spread, self.day = spread, today + timedelta(days=2)

    async def request(self, label: str | None, method: str, url: str, token: str,
                      **kwargs: Any) -> tuple[int, Any]:
        """(status, JSON body); timed under `label` (None: setup, not timed)."""
        started = time.perf_counter()
        if label:
            self.res.ops += 1
        try:
            async with self.http.request(method, url, **kwargs,
                                         headers={"Authorization": f"Bearer {token}"}) as resp:
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise Failure(label or "setup", type(exc).__name__) from None
        if label:
            self.res.acks[label].append((time.perf_counter() - started) * 1000)
            if resp.status >= 500:
                raise Failure(label, str((body or {}).get("error", {}).get("code", resp.status)))
        return resp.status, body

    async def expert(self, n: int, token: str) -> str:
        """Makes the user behind `token` an approved expert; their expert id."""
        base = self.urls[n % len(self.urls)]
        status, body = await self.request(None, "POST", f"{base}/api/experts", token,
                                          json={**PROFILE, "last_name": f"Expert{n}"})
        if status != 201:
            raise Failure("expert setup", str(status))
        expert_id = str(body["expert"]["id"])
        for kind in ("identity", "employment"):
            form = aiohttp.FormData()
            form.add_field("type", kind)
            form.add_field("file", PDF, filename=f"{kind}.pdf", content_type="application/pdf")
            status, _ = await self.request(
                None, "POST", f"{base}/api/experts/{expert_id}/documents", token, data=form)
            if status != 201:
                raise Failure("expert setup", str(status))
            status, _ = await self.request(
                None, "POST", f"{base}/api/admin/experts/{expert_id}/verify", self.admin_token,
                json={"document_type": kind, "approved": True})
            if status != 200:
                raise Failure("expert setup", str(status))
        return expert_id

    async def book(self, n: int, token: str, experts: list[str]) -> None:
        base, rng = self.urls[n % len(self.urls)], random.Random(n)
        expert_id = experts[n % len(experts)]
        status, body = await self.request(
            "GET slots", "GET", f"{base}/api/experts/{expert_id}/slots", token,
            params={"from": self.day.isoformat(),
                    "to": (self.day + timedelta(days=1)).isoformat(),
                    "tz": "UTC", "session_type": "mock_interview", "duration_min": "60"})
        slots = body.get("slots", []) if status == 200 else []
        if not slots:
            self.res.outcomes[f"slots:{status}"] += 1
            return
        slot = rng.choice(slots[: self.spread])
        status, body = await self.request(
            "POST bookings", "POST", f"{base}/api/bookings", token, json={
                "expert_id": expert_id, "session_type": "mock_interview",
                "start": slot["start"], "duration_min": 60})
        self.res.outcomes[f"book:{status}"] += 1
        if status != 201:
            return
        status, _ = await self.request(
            "POST test-payment", "POST",
            f"{base}/api/bookings/{body['booking']['id']}/test-payment", token,
            json={"succeed": True})
        self.res.outcomes[f"pay:{status}"] += 1
        self.res.units += 1

    async def overlaps(self, expert_tokens: list[str]) -> int:
        """Confirmed bookings of one expert that overlap another (must be 0)."""
        bad = 0
        for n, token in enumerate(expert_tokens):
            _, body = await self.request(
                None, "GET", f"{self.urls[n % len(self.urls)]}/api/bookings", token,
                params={"role": "expert", "per_page": "50"})
            spans = sorted(
                (datetime.fromisoformat(b["start"]).astimezone(UTC),
                 datetime.fromisoformat(b["end"]).astimezone(UTC))
                for b in body.get("bookings", []) if b["status"] == "confirmed")
            bad += sum(1 for (_, end), (start, _) in pairwise(spans) if start < end)
        return bad
