"""The booking sweeper: frees time nobody paid for and finishes interrupted work.

Why in every process: the process that placed a hold may die, so expiry cannot be a timer in
that process. Every process sweeps on an interval; each step is a conditional transition or
an idempotent delete, so several sweepers (and the request handlers) never fight over a
booking. One sweep:
1. cancels unpaid bookings past `hold_expires_ts` ("payment timeout") and frees their cells;
2. removes orphaned cells: lapsed holds whose booking does not exist (the process died between
   inserting the cells and the booking) or is no longer live;
3. frees the cells of cancelled bookings whose release was interrupted;
4. retries refunds that the provider did not complete;
5. completes confirmed sessions once the no-show window after their end has passed;
6. finishes moves (reschedules) left half-done by a process that died (`moves.py`).
A lapsed held cell of a live booking that is not part of the booking's time (left by an
abandoned move) is removed too; a moving booking's cells are left to its move.
"""

import logging
import time
from collections.abc import Callable

from mockmate.bookings.moves import MOVING, Rescheduler
from mockmate.bookings.settlement import Settlement
from mockmate.bookings.status import LIVE_STATUSES, BookingStatus
from mockmate.domain import CellsState, RefundStatus
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.bookings import BookingRepository, SlotCells
from mockmate.storage.database import Document
from mockmate.tasks import repeat_every

log = logging.getLogger(__name__)

RETRY_AFTER_S = 10.0  # leave work this fresh to the request that started it
NO_SHOW_WINDOW_S = 24 * 3600.0  # a no-show can be reported this long after the session ends


class BookingSweeper:
    def __init__(
        self, *, bookings: BookingRepository, cells: SlotCells, settlement: Settlement,
        interval_s: float, moves: Rescheduler | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.moves = moves
        self.bookings = bookings
        self.cells = cells
        self.settlement = settlement
        self.interval_s = interval_s
        self._clock = clock

    async def run_forever(self) -> None:
        await repeat_every(self.interval_s, self._sweep_and_log, what="booking sweep")

    async def _sweep_and_log(self) -> None:
        done = await self.sweep_once()
        if any(done.values()):
            log.info("booking sweep: %s", done)

    async def sweep_once(self) -> dict[str, int]:
        now = self._clock()
        done = dict.fromkeys(("expired", "orphans", "released", "refunds", "completed", "moves"), 0)
        for booking in await self.bookings.find(
            {"status": BookingStatus.PENDING_PAYMENT, "hold_expires_ts": {"$lt": now}}
        ):
            done["expired"] += await self.settlement.expire(booking)
        for cell in await self.cells.stale_holds(now):
            owner = await self.bookings.get(cell["booking_id"])
            if owner is None or owner.status not in LIVE_STATUSES or (
                    owner.cells_state != MOVING and not _part_of(cell, owner)):
                await self.cells.drop(cell["_id"], cell["booking_id"])
                done["orphans"] += 1
            elif owner.cells_state == MOVING:
                continue
            elif owner.status == BookingStatus.CONFIRMED:  # confirmed, then interrupted
                await self.cells.promote(cell["_id"], cell["booking_id"])
        for booking in await self.bookings.find(
            {"cells_state": CellsState.RELEASING, "cancelled_ts": {"$lt": now - RETRY_AFTER_S}}
        ):
            await self.settlement.release_cells(booking)
            done["released"] += 1
        for booking in await self.bookings.find(
            {"refund_status": RefundStatus.PENDING,
             "refund_requested_ts": {"$lt": now - RETRY_AFTER_S}}
        ):
            settled = await self.settlement.settle_refund(booking)
            done["refunds"] += settled.refund_status != RefundStatus.PENDING
        for booking in await self.bookings.find(
            {"status": BookingStatus.CONFIRMED, "end_ts": {"$lt": now - NO_SHOW_WINDOW_S}}
        ):
            done["completed"] += await self.settlement.complete(booking) is not None
        if self.moves is not None:
            for booking in await self.bookings.find(
                {"cells_state": MOVING, "move.started_ts": {"$lt": now - RETRY_AFTER_S}}
            ):
                done["moves"] += await self.moves.take_over(booking) is not None
        return done


def _part_of(cell: Document, owner: BookingRecord) -> bool:
    """Whether `cell` (a time cell or a seat) is part of its owner's current time."""
    if "seat" in cell:
        return cell["seat"] in owner.periods
    return cell["_id"] in owner.cells
