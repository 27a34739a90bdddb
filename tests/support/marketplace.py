"""Marketplace test helpers: a small JSON client, applications, admins made the way
`mockmate token --admin` makes them, and verified experts ready to be booked."""

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp

from mockmate.auth.accounts import Accounts
from mockmate.auth.tokens import TokenIssuer
from mockmate.config import Settings
from mockmate.storage.database import Document, connect
from mockmate.storage.users import UserRepository
from tests.support.client import register

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HOUR = timedelta(hours=1)
# Bookings allowed at once, and lapsed holds swept quickly.
FAST = {"MOCKMATE_BOOKING_MIN_NOTICE_MINUTES": "0", "MOCKMATE_BOOKING_SWEEP_S": "0.2"}
ALL_WEEK = [{"weekday": d, "start": "00:00", "end": "23:45"} for d in range(7)]


def application(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "first_name": "Ada", "last_name": "Lovelace", "bio": "Staff engineer, 300 interviews.",
        "time_zone": "UTC", "languages": ["English"], "current_role": "Staff Engineer",
        "current_company": "Google", "years_experience": 12, "industries": ["Fintech"],
        "company_types": ["Big tech"],
        "specialties": [{"type": "system_design", "session_types": ["mock_interview"]}],
        "pricing": {"mock_interview": {"hourly_cents": 12_000}},
        "availability": {"weekly": ALL_WEEK, "blackout_dates": []},
    }
    body.update(changes)
    return body


def booking_body(expert_id: str, start: str, duration_min: int = 60) -> dict[str, Any]:
    return {"expert_id": expert_id, "session_type": "mock_interview", "start": start,
            "duration_min": duration_min}


class Api:
    """One user's view of the REST API: `await api.post(path, json)` -> (status, body)."""

    def __init__(self, url: str, token: str | None, http: aiohttp.ClientSession,
                 user_id: str = ""):
        self.url, self.token, self.http, self.user_id = url, token, http, user_id

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                      **kwargs: Any) -> tuple[int, Any]:
        async with self.http.request(method, self.url + path,
                                     headers={**self._headers(), **(headers or {})},
                                     **kwargs) as response:
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.read()

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        return await self.request("GET", path, params={k: str(v) for k, v in params.items()})

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        return await self.request("POST", path, json=body, **kwargs)

    async def patch(self, path: str, body: Any = None) -> tuple[int, Any]:
        return await self.request("PATCH", path, json=body)

    async def put(self, path: str, body: Any = None) -> tuple[int, Any]:
        return await self.request("PUT", path, json=body)

    async def upload(self, expert_id: str, doc_type: str, content: bytes,
                     filename: str = "doc.pdf") -> tuple[int, Any]:
        form = aiohttp.FormData()
        form.add_field("type", doc_type)
        form.add_field("file", content, filename=filename,
                       content_type="application/octet-stream")
        return await self.request("POST", f"/api/experts/{expert_id}/documents", data=form)


class Market:
    """Users of one deployment: `await market.user()`, `await market.admin()`,
    `await market.expert(...)` (verified and active) and direct database access."""

    def __init__(self, url: str, settings: Settings, http: aiohttp.ClientSession):
        self.url, self.settings, self.http = url, settings, http
        self.client = connect(settings.mongodb_url)
        self.db = self.client[settings.mongodb_db]

    async def user(self, email: str | None = None) -> Api:
        token = await register(self.url, email or f"{uuid.uuid4().hex[:10]}@example.com")
        return Api(self.url, token, self.http, self.tokens().verify(token).user_id)

    def tokens(self) -> TokenIssuer:
        return TokenIssuer(self.settings.jwt_secret, self.settings.jwt_ttl_s)

    def anonymous(self) -> Api:
        return Api(self.url, None, self.http)

    async def admin(self) -> Api:
        """An admin, through the code path `mockmate token --admin` uses."""
        accounts = Accounts(UserRepository(self.db), self.tokens())
        user = await accounts.ensure_user(f"admin-{uuid.uuid4().hex[:6]}@example.com",
                                          admin=True)
        return Api(self.url, accounts.token_for(user), self.http, user.id)

    async def expert(self, admin: Api | None = None, **changes: Any) -> tuple[Api, str]:
        """A new user applied, with identity and employment uploaded and approved."""
        api = await self.user()
        status, body = await api.post("/api/experts", application(**changes))
        assert status == 201, body
        expert_id = body["expert"]["id"]
        admin = admin or await self.admin()
        for doc_type in ("identity", "employment"):
            status, body = await api.upload(expert_id, doc_type, PDF)
            assert status == 201, body
            status, body = await admin.post(f"/api/admin/experts/{expert_id}/verify",
                                            {"document_type": doc_type, "approved": True})
            assert status == 200, body
        assert body["expert"]["status"] == "active"
        return api, expert_id

    async def booking(self, booking_id: str) -> Document:
        doc = await self.db.bookings.find_one({"_id": booking_id})
        assert doc is not None
        return doc

    async def started_ago(self, booking_id: str, hours: float) -> None:
        """Move a booking so that it started `hours` ago, as if that much time had passed."""
        doc = await self.booking(booking_id)
        start = time.time() - hours * 3600
        await self.db.bookings.update_one({"_id": booking_id}, {"$set": {
            "start_ts": start, "end_ts": start + doc["end_ts"] - doc["start_ts"]}})

    async def close(self) -> None:
        await self.client.close()


@asynccontextmanager
async def market_on(url: str, settings: Settings) -> AsyncIterator[Market]:
    async with aiohttp.ClientSession() as http:
        market = Market(url, settings, http)
        try:
            yield market
        finally:
            await market.close()


async def first_slot(api: Api, expert_id: str, after: timedelta | datetime, *,
                     duration_min: int = 60, tz: str = "UTC") -> str:
    """The start of the expert's first free slot starting at least `after` from now (or at or
    after the instant `after`)."""
    earliest = after if isinstance(after, datetime) else datetime.now(UTC) + after
    status, body = await api.get(f"/api/experts/{expert_id}/slots", tz=tz,
                                 duration_min=duration_min, **{
                                     "from": earliest.date().isoformat(),
                                     "to": (earliest.date() + timedelta(days=2)).isoformat()})
    assert status == 200, body
    for slot in body["slots"]:
        if datetime.fromisoformat(slot["start"]) >= earliest:
            return str(slot["start"])
    raise AssertionError(f"no slot after {earliest}: {body}")


def next_weekday(weekday: int, after: date | None = None) -> date:
    """The first date with `weekday` (0 = Monday) strictly after `after` (today)."""
    day = (after or datetime.now(UTC).date()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def monday() -> datetime:
    """Midnight UTC of a Monday at least three days ahead: its whole ISO week is bookable."""
    day = next_weekday(0, datetime.now(UTC).date() + timedelta(days=2))
    return datetime.combine(day, datetime.min.time(), UTC)


def at(day: datetime, hours: float) -> str:
    """`hours` after `day`, as the ISO string the API takes and answers."""
    return (day + timedelta(hours=hours)).isoformat()
