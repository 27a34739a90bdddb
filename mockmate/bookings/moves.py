"""Moving a booking to another start (`POST /api/bookings/{id}/reschedule`): same expert,
duration, price and payment; only its time changes.

Why this order, with no multi-document transaction: the store has single-document atomic
updates and unique `_id`s only, so a move is a short sequence of steps, each safe to repeat
and each leaving the time accounted for if the process dies after it.
1. *Lock*: one conditional update sets `cells_state: moving` with a fresh `move.token` on a
   booking that is still as it was read (status, start, `cells_state: held`). Of several
   moves (or a move and a cancel) of one booking, one wins; a second move answers `conflict`.
2. *Claim* the new time: the cells the booking does not hold yet and the day/week seats of
   new periods are inserted under the booking's id, exactly as a new booking claims its time
   (`SlotCells`), so a move and a booking racing for a slot cannot both get it. Losing any
   cell or seat drops what this move inserted and unlocks.
3. *Move*: one conditional update (still locked by this token, status unchanged) points the
   booking at its new start, cells and seats.
4. *Finish*: every cell and seat of the booking that is not its current time is deleted
   (`SlotCells.keep_only`), a confirmed booking's new cells are marked booked, the lock is
   released, and both parties are told.
A process dying anywhere leaves `cells_state: moving`; the sweeper takes the lock over after
`RETRY_AFTER_S` (a new token, so the dead request's own update can no longer land) and
finishes: keeping exactly the cells of whatever time the booking now says, old or new, so no
slot is lost or held twice. Notifications are idempotent per move (`reschedules`), so a move
finished twice tells people once.
"""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from mockmate.bookings.booking_service import check_offered, party_of
from mockmate.bookings.holds import slot_keys
from mockmate.bookings.observer import observe
from mockmate.bookings.rules import held_interval, notice, seat_demands
from mockmate.bookings.schemas import Availability
from mockmate.bookings.settlement import Settlement
from mockmate.bookings.status import LIVE_STATUSES, BookingStatus
from mockmate.domain import CellsState
from mockmate.errors import Conflict, InvalidPayload, InvalidState, NotFound
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.bookings import BookingRepository, SlotCells
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.users import User

log = logging.getLogger(__name__)

HELD = CellsState.HELD
MOVING = CellsState.MOVING
# The new cells of a confirmed booking are held this long until the move marks them booked
# (the sweeper never takes a moving booking's cells; this only bounds a dead process's).
MOVE_HOLD_S = 300.0


class Rescheduler:
    def __init__(
        self, *, experts: ExpertRepository, bookings: BookingRepository, cells: SlotCells,
        settlement: Settlement, min_notice: timedelta, clock: Callable[[], float] = time.time,
    ) -> None:
        self.experts = experts
        self.bookings = bookings
        self.cells = cells
        self.settlement = settlement
        self._min_notice = min_notice
        self._clock = clock

    async def reschedule(self, user: User, booking_id: str, new_start: datetime) -> BookingRecord:
        """Move the caller's (candidate's or expert's) booking to `new_start`; the booking
        after the move. See the module docstring for the steps and the rules."""
        booking = await self.bookings.get(booking_id)
        party = None if booking is None else party_of(user, booking)
        if booking is None or party is None:
            raise NotFound("no such booking")
        if booking.status not in LIVE_STATUSES:
            raise InvalidState(f"a {booking.status} booking cannot be rescheduled")
        expert = await self.experts.get(booking.expert_id)
        if expert is None or expert["status"] != "active":
            raise InvalidState("this expert is not taking bookings at the moment")
        now = self._clock()
        start = new_start.astimezone(UTC)
        if start.timestamp() == booking.start_ts:
            raise InvalidPayload("the booking already starts at that time")
        rules = Availability.model_validate(expert["availability"]).rules()
        lead = notice(self._min_notice, rules)
        if booking.start_ts - now < lead.total_seconds():
            raise InvalidState(
                f"a booking can be moved until {_hours(lead)} before it starts; cancel it "
                "instead")
        rules = check_offered(expert, start, booking.duration_min, now=now,
                              platform_notice=self._min_notice)
        end = start + timedelta(minutes=booking.duration_min)
        try:
            keys = slot_keys(expert["_id"], *held_interval(start, end, rules))
        except ValueError as exc:
            raise InvalidPayload(str(exc)) from None
        seats = seat_demands(start, expert["time_zone"], rules)

        token = uuid.uuid4().hex
        locked = await self.bookings.transition(
            booking_id,
            {"status": booking.status, "start_ts": booking.start_ts, "cells_state": HELD},
            {"cells_state": MOVING, "move": {"token": token, "started_ts": now}},
        )
        if locked is None:
            raise Conflict("the booking is being changed; try again")
        expires = now + MOVE_HOLD_S
        if locked.status == BookingStatus.PENDING_PAYMENT:
            expires = max(expires, float(locked.hold_expires_ts or 0.0))
        inserted = await self.cells.claim_more(
            keys, expert_id=expert["_id"], booking_id=booking_id, first_ts=start.timestamp(),
            expires_ts=expires, now_ts=now, owned=set(locked.cells))
        if inserted is None:
            await self._unlock(booking_id, token)
            raise Conflict("this time is no longer available")
        old_periods = set(locked.periods)
        claimed: list[str] = []
        for seat in seats:
            if seat.period in old_periods:
                continue
            if not await self.cells.claim_seat(expert["_id"], seat.period, seat.capacity,
                                               booking_id=booking_id, expires_ts=expires,
                                               now_ts=now):
                await self._abandon(booking_id, token, inserted, claimed)
                unit = seat.period.split(":")[0]
                raise Conflict(f"the expert takes at most {seat.capacity} sessions a {unit}, "
                               f"and that {unit} is full")
            claimed.append(seat.period)
        moved = await self.bookings.transition(
            booking_id,
            {"cells_state": MOVING, "move.token": token, "status": locked.status},
            {"start_ts": start.timestamp(), "end_ts": end.timestamp(),
             "start_at": start.isoformat(), "cells": keys,
             "seats": [{"period": s.period, "capacity": s.capacity} for s in seats],
             "reschedules": locked.reschedules + 1,
             "previous_start_ts": locked.start_ts, "rescheduled_ts": now,
             "rescheduled_by": party, "move.moved_ts": now},
        )
        if moved is None:  # paid, cancelled or taken over meanwhile
            await self._abandon(booking_id, token, inserted, claimed)
            raise Conflict("the booking changed meanwhile; try again")
        return await self.finish(moved)

    async def take_over(self, booking: BookingRecord) -> BookingRecord | None:
        """The sweeper's step for a move left `moving` by a process that died (or stalled):
        a new token, so that process's pending update cannot land, then `finish`."""
        seized = await self.bookings.transition(
            booking.id,
            {"cells_state": MOVING, "move.token": booking.move_token},
            {"move.token": uuid.uuid4().hex, "move.started_ts": self._clock()},
        )
        return None if seized is None else await self.finish(seized)

    async def finish(self, booking: BookingRecord) -> BookingRecord:
        """Keep only the booking's current time, mark it booked when paid, unlock, and tell
        the parties if the booking did move. Idempotent."""
        booking_id = booking.id
        await self.cells.keep_only(booking_id, list(booking.cells),
                                   booking.periods)
        if booking.status == BookingStatus.CONFIRMED:
            await self.cells.mark_booked(booking_id)
        token = booking.move_token
        done = await self._unlock(booking_id, token) or booking
        if booking.move is not None and booking.move.moved_ts:
            previous = booking.previous_start_ts or booking.start_ts
            await observe(self.settlement.observer.booking_rescheduled(done, previous),
                          f"booking {booking_id} moved")
            await self.settlement.emit_update(done)
        return done

    async def _abandon(
        self, booking_id: str, token: str, inserted: list[str], periods: list[str]
    ) -> None:
        await self.cells.drop_keys(booking_id, inserted)
        await self.cells.drop_seats(booking_id, periods)
        await self._unlock(booking_id, token)

    async def _unlock(self, booking_id: str, token: str | None) -> BookingRecord | None:
        return await self.bookings.transition(
            booking_id, {"cells_state": MOVING, "move.token": token},
            {"cells_state": HELD, "move": None},
        )


def _hours(lead: timedelta) -> str:
    hours = lead.total_seconds() / 3600
    return f"{hours:g} hours" if hours != 1 else "1 hour"

