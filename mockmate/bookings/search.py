"""Finding experts and their free times.

Why in Python after one query: some filters compare case-insensitively, derive an average
rating from running sums or match prices per session type, and relevance depends on the
searching user (their target companies, the experts they already worked with), so ranking
must see every match before a page is cut. The query applies the exact filters (specialty,
session type, experience) and leaves out the fields that grow, so what reaches memory is the
candidates for ranking and no more. Free slots come from `slots.free_slots` minus the taken
cells in `booking_slots` (booked, or held by a hold that has not lapsed: exactly the cells a
new booking cannot take).
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.bookings.holds import is_on_grid
from mockmate.bookings.pricing import price_cents
from mockmate.bookings.queries import SearchQuery, SlotsQuery
from mockmate.bookings.relevance import ExpertSignals, SearchContext, rank_experts
from mockmate.bookings.rules import bookable, notice, off_days, seat_demands
from mockmate.bookings.schemas import Availability, zone
from mockmate.bookings.slots import free_slots
from mockmate.bookings.views import expert_view, to_dt
from mockmate.errors import InvalidPayload
from mockmate.storage.bookings import CELL_S, BookingRepository, SlotCells
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.users import User

log = logging.getLogger(__name__)
DEFAULT_DAYS = 7


def average_rating(expert: Document) -> float | None:
    stats = expert.get("stats", {})
    count = int(stats.get("rating_count", 0))
    return float(stats.get("rating_sum", 0)) / count if count else None


def _folded(values: list[str]) -> set[str]:
    return {v.strip().casefold() for v in values}


def searchable_text(expert: Document) -> str:
    """What free-text search looks in: the expert's public profile, case-folded (never the
    private documents or contact details)."""
    parts = [expert.get(key) or "" for key in (
        "first_name", "last_name", "bio", "current_role", "current_company")]
    parts += list(expert.get("industries", [])) + list(expert.get("languages", []))
    parts += [s["type"].replace("_", " ") for s in expert.get("specialties", [])]
    return " ".join(str(p) for p in parts).casefold()


def text_matches(expert: Document, text: str) -> bool:
    """Every word of `text` occurs in the expert's public profile, in any order and case."""
    haystack = searchable_text(expert)
    return all(word in haystack for word in text.casefold().split())


def matches(expert: Document, q: SearchQuery) -> bool:
    """Whether `expert` passes every filter of `q` (prices: some offered rate, or the rate of
    `q.session_type`, lies in the range; ratings: the average of its reviews; `q.q`: every
    word in the public profile)."""
    if q.q and not text_matches(expert, q.q):
        return False
    if q.specialty and q.specialty not in {s["type"] for s in expert["specialties"]}:
        return False
    if q.session_type and q.session_type not in expert["pricing"]:
        return False
    if q.industry and q.industry.casefold() not in _folded(expert["industries"]):
        return False
    if q.language and q.language.casefold() not in _folded(expert["languages"]):
        return False
    years = int(expert["years_experience"])
    if q.min_experience is not None and years < q.min_experience:
        return False
    if q.max_experience is not None and years > q.max_experience:
        return False
    types = [q.session_type] if q.session_type else list(expert["pricing"])
    rates = [int(expert["pricing"][t]["hourly_cents"]) for t in types]
    low, high = q.min_price_cents or 0, q.max_price_cents
    if not any(low <= r and (high is None or r <= high) for r in rates):
        return False
    rating = average_rating(expert)
    return not (q.min_rating and (rating is None or rating < q.min_rating))


def prefilter(q: SearchQuery) -> Document:
    """The part of `q` the database can apply exactly (`matches` checks everything)."""
    query: Document = {}
    if q.specialty:
        query["specialties.type"] = q.specialty
    if q.session_type:
        query[f"pricing.{q.session_type}"] = {"$exists": True}
    years: Document = {}
    if q.min_experience is not None:
        years["$gte"] = q.min_experience
    if q.max_experience is not None:
        years["$lte"] = q.max_experience
    if years:
        query["years_experience"] = years
    return query


def signals(expert: Document) -> ExpertSignals:
    stats = expert.get("stats", {})
    last = float(stats.get("last_session_ts") or 0)
    return ExpertSignals(
        expert_id=expert["_id"],
        rating_avg=min(5.0, max(0.0, average_rating(expert) or 0.0)),
        rating_count=int(stats.get("rating_count", 0)),
        years_experience=int(expert["years_experience"]),
        completed_sessions=int(stats.get("completed_sessions", 0)),
        specialties=tuple(s["type"] for s in expert["specialties"]),
        industries=tuple(expert["industries"]),
        current_company=expert.get("current_company"),
        last_session_at=to_dt(last) if last else None,
    )


class ExpertSearch:
    def __init__(
        self, *, db: AsyncDatabase[Document], experts: ExpertRepository,
        bookings: BookingRepository, cells: SlotCells, min_notice: timedelta,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._profiles = db["profiles"]  # written by the profiles component
        self.experts = experts
        self.bookings = bookings
        self.cells = cells
        self._min_notice = min_notice
        self._clock = clock

    async def search(self, user: User, q: SearchQuery) -> dict[str, Any]:
        found = [e for e in await self.experts.searchable(prefilter(q)) if matches(e, q)]
        context = SearchContext(
            now=to_dt(self._clock()),
            specialties=(q.specialty,) if q.specialty else (),
            industries=(q.industry,) if q.industry else (),
            target_companies=tuple(await self._profile_value(user.id, "target_companies", [])),
            sessions_with=await self.bookings.sessions_with(user.id),
        )
        by_id = {e["_id"]: e for e in found}
        ranked = rank_experts((signals(e) for e in found), context)
        start = (q.page - 1) * q.per_page
        return {
            "experts": [
                {"expert": expert_view(by_id[s.expert_id]), "relevance": r.score,
                 "reason": r.reason}
                for s, r in ranked[start:start + q.per_page]
            ],
            "page": q.page,
            "per_page": q.per_page,
            "total": len(ranked),
        }

    async def slots(self, user: User, expert: Document, q: SlotsQuery) -> dict[str, Any]:
        tz = q.tz or await self._caller_zone(user.id)
        caller_zone = zone(tz)
        session_type = q.session_type or sorted(expert["pricing"])[0]
        if session_type not in expert["pricing"]:
            raise InvalidPayload(
                                f"this expert does not offer {session_type} sessions")
        now = to_dt(self._clock())
        date_from = q.date_from or now.astimezone(caller_zone).date()
        date_to = q.date_to or date_from + timedelta(days=DEFAULT_DAYS - 1)
        if date_to < date_from:
            raise InvalidPayload("`to` must not be before `from`")
        first = datetime.combine(date_from, clock_time(), caller_zone) - timedelta(days=2)
        last = datetime.combine(date_to, clock_time(), caller_zone) + timedelta(days=3)
        busy = [(to_dt(s), to_dt(s + CELL_S)) for s in
                await self.cells.busy(expert["_id"], first.timestamp(), last.timestamp(),
                                      now_ts=now.timestamp())]
        availability = Availability.model_validate(expert["availability"])
        rules = availability.rules()
        try:
            found = free_slots(
                weekly=availability.windows(), expert_tz=expert["time_zone"],
                date_from=date_from, date_to=date_to, caller_tz=caller_zone,
                duration_min=q.duration_min, now=now, busy=busy,
                blackout_dates=off_days(availability.blackout_dates, rules,
                                        first.date(), last.date()),
                min_notice=notice(self._min_notice, rules),
            )
        except ValueError as exc:
            raise InvalidPayload(str(exc)) from None
        periods = sorted({d.period for slot in found
                          for d in seat_demands(slot.start, expert["time_zone"], rules)})
        taken = (await self.cells.seats_taken(expert["_id"], periods, now_ts=now.timestamp())
                 if periods else {})
        found = bookable(found, rules=rules, expert_tz=expert["time_zone"], now=now,
                         busy=busy, seats_taken=taken)
        hourly = int(expert["pricing"][session_type]["hourly_cents"])
        price = price_cents(hourly, q.duration_min)
        return {
            "expert_id": expert["_id"],
            "tz": tz,
            "session_type": session_type,
            "duration_min": q.duration_min,
            "slots": [
                {"start": s.start.isoformat(), "end": s.end.isoformat(), "price_cents": price,
                 "currency": expert["currency"]}
                for s in found if is_on_grid(s.start)
            ],
        }

    async def _caller_zone(self, user_id: str) -> str:
        name = await self._profile_value(user_id, "time_zone", "UTC")
        try:
            zone(str(name))
        except ValueError:
            return "UTC"
        return str(name)

    async def _profile_value(self, user_id: str, key: str, default: Any) -> Any:
        """One field of the user's candidate profile, `default` when there is none."""
        try:
            doc = await self._profiles.find_one({"_id": user_id}, {"profile": 1})
        except Exception:
            log.warning("could not read the profile of %s", user_id, exc_info=True)
            return default
        profile = (doc or {}).get("profile")
        value = profile.get(key) if isinstance(profile, dict) else None
        if isinstance(default, list):
            return [str(v) for v in value] if isinstance(value, list) else default
        return value if isinstance(value, str) and value else default

