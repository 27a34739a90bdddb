"""Calendar files for bookings: one booking's `.ics` for its parties, and each user's
private feed of all their sessions (see `bookings.calendar` for the format)."""

import time
from collections.abc import Callable

from mockmate.bookings.calendar import CalendarEntry, calendar_bytes
from mockmate.bookings.status import HELD_STATUSES, BookingStatus
from mockmate.bookings.views import to_dt
from mockmate.errors import NotFound
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.calendar_feeds import CalendarFeeds
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.users import User, UserRepository

# A feed shows sessions that happen or happened, and those called off after being paid for.
FEED_STATUSES = (*HELD_STATUSES, BookingStatus.CANCELLED)


class BookingCalendars:
    def __init__(
        self, *, bookings: BookingRepository, experts: ExpertRepository,
        users: UserRepository, feeds: CalendarFeeds, clock: Callable[[], float] = time.time,
    ) -> None:
        self.bookings = bookings
        self.experts = experts
        self.users = users
        self.feeds = feeds
        self._clock = clock

    async def booking_ics(self, user: User, booking: BookingRecord, *, domain: str) -> bytes:
        entry = await self._entry(booking, user.id)
        return calendar_bytes([entry], name="MockMate session", domain=domain)

    async def feed_token(self, user: User) -> str:
        return await self.feeds.token_for(user.id)

    async def rotate_feed(self, user: User) -> str:
        return await self.feeds.rotate(user.id)

    async def feed_ics(self, token: str, *, domain: str) -> bytes:
        user_id = await self.feeds.user_of(token)
        if user_id is None:
            raise NotFound("no such calendar feed")
        entries = [
            await self._entry(b, user_id) for b in await self.bookings.all_for_user(user_id)
            if b.status in FEED_STATUSES
            and (b.status != BookingStatus.CANCELLED or b.confirmed_ts)
        ]
        return calendar_bytes(entries, name="MockMate sessions", domain=domain)

    async def forget(self, user_id: str) -> None:
        await self.feeds.delete_for(user_id)

    async def _entry(self, booking: BookingRecord, viewer_id: str) -> CalendarEntry:
        return CalendarEntry(
            booking_id=booking.id, start=to_dt(booking.start_ts),
            end=to_dt(booking.end_ts), status=booking.status,
            session_type=booking.session_type,
            other_party=await self._other_party(booking, viewer_id),
            meeting_url=booking.meeting_url, stamp=to_dt(self._clock()),
            moves=booking.reschedules,
        )

    async def _other_party(self, booking: BookingRecord, viewer_id: str) -> str:
        if booking.candidate_id == viewer_id:
            expert = await self.experts.get(booking.expert_id)
            if expert is not None:
                return f"{expert['first_name']} {expert['last_name']}"
            return "your expert"
        candidate = await self.users.by_id(booking.candidate_id)
        return candidate.display_name if candidate is not None else "a candidate"

