"""Bookings (`bookings`) and the time cells that make double booking impossible
(`booking_slots`).

Why cells: "is this time free?" followed by an insert is a race between processes. Instead a
booking first inserts one `booking_slots` document per 15-minute UTC cell it covers, whose
`_id` is the cell key (`holds.cell_key`): `_id` is unique by nature, so of any number of
overlapping requests exactly one inserts a given cell and the rest get a duplicate key. A
request that loses any cell deletes the cells it did insert. Every cell carries its booking id
and the hold's expiry, so cells left behind by a crashed process can be recognized and
removed. Booking status changes are conditional single-document updates (`transition`), so
when a webhook, a sweeper and a user act on one booking at once, exactly one of them wins.
Instants are epoch seconds (`*_ts`) for queries and ISO strings for people (see experts.py).
Bookings are read and written as `BookingRecord`s (`booking_record.py`).
"""

from collections import Counter
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.domain import BookingStatus
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.database import Document

BOOKINGS = "bookings"
CELLS = "booking_slots"
CELL_S = 15 * 60
HOLD = "hold"
BOOKED = "booked"
DELETED_USER = "deleted-user"


class BookingRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._bookings = db[BOOKINGS]

    async def ensure_indexes(self) -> None:
        for key in ("candidate_id", "expert_id", "expert_user_id"):
            await self._bookings.create_index([(key, ASCENDING), ("start_ts", ASCENDING)])
        await self._bookings.create_index([("status", ASCENDING), ("hold_expires_ts", ASCENDING)])
        await self._bookings.create_index([("payment.intent_id", ASCENDING)])
        await self._bookings.create_index([("refund_status", ASCENDING)])
        await self._bookings.create_index([("cells_state", ASCENDING)])

    async def insert(self, booking: BookingRecord) -> None:
        await self._bookings.insert_one(booking.document())

    async def get(self, booking_id: str) -> BookingRecord | None:
        return _record(await self._bookings.find_one({"_id": booking_id}))

    async def by_intent(self, intent_id: str) -> BookingRecord | None:
        return _record(await self._bookings.find_one({"payment.intent_id": intent_id}))

    async def transition(
        self, booking_id: str, when: Document, changes: Document
    ) -> BookingRecord | None:
        """Apply `changes` ($set, by stored field paths) if the booking still matches `when`;
        the booking after, or None when it did not match (someone else moved it first)."""
        return _record(await self._bookings.find_one_and_update(
            {"_id": booking_id, **when}, {"$set": changes}, return_document=ReturnDocument.AFTER
        ))

    async def for_user(
        self, user_id: str, *, role: str | None, status: BookingStatus | None, page: int,
        per_page: int,
    ) -> tuple[list[BookingRecord], int]:
        parties = [{"candidate_id": user_id}, {"expert_user_id": user_id}]
        if role == "candidate":
            parties = parties[:1]
        elif role == "expert":
            parties = parties[1:]
        query: Document = {"$or": parties}
        if status:
            query["status"] = status
        total = await self._bookings.count_documents(query)
        cursor = self._bookings.find(query).sort("start_ts", DESCENDING)
        page_of = cursor.skip((page - 1) * per_page).limit(per_page)
        return [BookingRecord.model_validate(d) async for d in page_of], total

    async def all_for_user(self, user_id: str) -> list[BookingRecord]:
        query = {"$or": [{"candidate_id": user_id}, {"expert_user_id": user_id}]}
        cursor = self._bookings.find(query).sort("start_ts", ASCENDING)
        return [BookingRecord.model_validate(d) async for d in cursor]

    async def find(self, query: Document, *, limit: int = 100) -> list[BookingRecord]:
        """The bookings matching `query` (a filter on stored field paths)."""
        cursor = self._bookings.find(query).limit(limit)
        return [BookingRecord.model_validate(d) async for d in cursor]

    async def completed_by(self, candidate_id: str) -> list[BookingRecord]:
        """Every session `candidate_id` completed (as a candidate)."""
        cursor = self._bookings.find(
            {"candidate_id": candidate_id, "status": BookingStatus.COMPLETED})
        return [BookingRecord.model_validate(d) async for d in cursor]

    async def sessions_with(self, candidate_id: str) -> dict[str, int]:
        """How many sessions `candidate_id` completed with each expert (by expert id)."""
        cursor = self._bookings.find(
            {"candidate_id": candidate_id, "status": BookingStatus.COMPLETED}, {"expert_id": 1}
        )
        return dict(Counter([d["expert_id"] async for d in cursor]))

    async def set_fields(self, booking_id: str, changes: Document) -> None:
        await self._bookings.update_one({"_id": booking_id}, {"$set": changes})

    async def anonymize(self, user_id: str) -> None:
        """Replace `user_id` in every booking with "deleted-user" and drop what they wrote."""
        await self._bookings.update_many(
            {"candidate_id": user_id},
            {"$set": {"candidate_id": DELETED_USER}, "$unset": {"candidate_note": ""}},
        )
        await self._bookings.update_many(
            {"expert_user_id": user_id},
            {"$set": {"expert_user_id": DELETED_USER}, "$unset": {"expert_note": ""}},
        )
        await self._bookings.update_many(
            {"cancel_actor": user_id},
            {"$set": {"cancel_actor": DELETED_USER, "cancel_reason": "(removed)"}},
        )
        await self._bookings.update_many(
            {"no_show.marked_by": user_id}, {"$set": {"no_show.marked_by": DELETED_USER}}
        )


class SlotCells:
    """The `booking_slots` collection: one document per held or booked 15-minute cell."""

    def __init__(self, db: AsyncDatabase[Document]):
        self._cells = db[CELLS]

    async def ensure_indexes(self) -> None:
        await self._cells.create_index([("booking_id", ASCENDING)])
        await self._cells.create_index([("expert_id", ASCENDING), ("start_ts", ASCENDING)])
        await self._cells.create_index([("state", ASCENDING), ("expires_ts", ASCENDING)])
        await self._cells.create_index([("expert_id", ASCENDING), ("seat", ASCENDING)])

    async def hold(
        self, keys: list[str], *, expert_id: str, booking_id: str, first_ts: float,
        expires_ts: float, now_ts: float,
    ) -> bool:
        """Insert every cell for `booking_id`, or none: True when all were free. A cell whose
        hold lapsed counts as free and is taken over, so nobody waits for the sweeper. When a
        cell is taken, the cells this call inserted are deleted again."""
        try:
            for n, key in enumerate(keys):
                cell = _cell(key, expert_id, booking_id, first_ts + n * CELL_S, expires_ts)
                try:
                    await self._cells.insert_one(cell)
                except DuplicateKeyError:
                    if not await self._take_lapsed(cell, now_ts):
                        await self.release(booking_id)
                        return False
        except BaseException:
            await self.release(booking_id)
            raise
        return True

    async def claim_more(
        self, keys: list[str], *, expert_id: str, booking_id: str, first_ts: float,
        expires_ts: float, now_ts: float, owned: set[str],
    ) -> list[str] | None:
        """Hold the `keys` that `booking_id` does not already have (`owned`) for a move: the
        keys inserted (or taken over from lapsed holds), or None when another booking has any
        of them (the ones this call inserted are then deleted again)."""
        inserted: list[str] = []
        try:
            for n, key in enumerate(keys):
                if key in owned:
                    continue
                cell = _cell(key, expert_id, booking_id, first_ts + n * CELL_S, expires_ts)
                try:
                    await self._cells.insert_one(cell)
                except DuplicateKeyError:
                    if not await self._take_lapsed(cell, now_ts):
                        await self.drop_keys(booking_id, inserted)
                        return None
                inserted.append(key)
        except BaseException:
            await self.drop_keys(booking_id, inserted)
            raise
        return inserted

    async def drop_keys(self, booking_id: str, keys: list[str]) -> None:
        if keys:
            await self._cells.delete_many({"_id": {"$in": keys}, "booking_id": booking_id})

    async def drop_seats(self, booking_id: str, periods: list[str]) -> None:
        if periods:
            await self._cells.delete_many({"booking_id": booking_id, "seat": {"$in": periods}})

    async def keep_only(self, booking_id: str, keys: list[str], periods: list[str]) -> int:
        """Delete every cell and seat of `booking_id` other than `keys` and the seats of
        `periods`: what a move (finished or abandoned) leaves behind."""
        cells = await self._cells.delete_many(
            {"booking_id": booking_id, "seat": {"$exists": False}, "_id": {"$nin": keys}})
        seats = await self._cells.delete_many(
            {"booking_id": booking_id, "seat": {"$exists": True, "$nin": periods}})
        return cells.deleted_count + seats.deleted_count

    async def _take_lapsed(self, cell: Document, now_ts: float) -> bool:
        """Replace the cell's lapsed hold with `cell`. One conditional replace: of several
        bookings racing for it, one wins; a late payment for the lapsed booking then finds the
        cell taken and is refunded (see `secure`)."""
        taken = await self._cells.replace_one(
            {"_id": cell["_id"], **_lapsed(now_ts)}, cell
        )
        return taken.matched_count == 1

    async def secure(
        self, keys: list[str], *, expert_id: str, booking_id: str, first_ts: float,
        expires_ts: float,
    ) -> bool:
        """Make sure `booking_id` holds every cell again (a payment arriving after its hold
        expired): cells it still has are renewed, missing ones re-inserted. False when another
        booking took any of them; the booking's cells are then left for the caller to free."""
        for n, key in enumerate(keys):
            renewed = await self._cells.update_one(
                {"_id": key, "booking_id": booking_id}, {"$set": {"expires_ts": expires_ts}}
            )
            if renewed.matched_count:
                continue
            try:
                await self._cells.insert_one(_cell(key, expert_id, booking_id,
                                                   first_ts + n * CELL_S, expires_ts))
            except DuplicateKeyError:
                return False
        return True

    async def claim_seat(
        self, expert_id: str, period: str, capacity: int, *, booking_id: str,
        expires_ts: float, now_ts: float,
    ) -> bool:
        """Take one of the `capacity` seats of `period` ("day:…" or "week:…") for
        `booking_id`: seat n is the document `<expert>:<period>:<n>`, unique by `_id`, so of
        any number of racing bookings at most `capacity` get one. A lapsed hold's seat is
        taken over. A booking that already holds a seat of the period keeps it."""
        if await self._cells.find_one({"expert_id": expert_id, "seat": period,
                                       "booking_id": booking_id}):
            return True
        for n in range(capacity):
            seat = _seat(expert_id, period, n, booking_id, expires_ts)
            try:
                await self._cells.insert_one(seat)
                return True
            except DuplicateKeyError:
                if await self._take_lapsed(seat, now_ts):
                    return True
        return False

    async def seats_taken(
        self, expert_id: str, periods: list[str], *, now_ts: float
    ) -> dict[str, int]:
        """How many seats of each period are booked or held by a live hold."""
        cursor = self._cells.find(
            {"expert_id": expert_id, "seat": {"$in": periods},
             "$or": [{"state": BOOKED}, {"expires_ts": {"$gte": now_ts}}]},
            {"seat": 1},
        )
        return dict(Counter([d["seat"] async for d in cursor]))

    async def renew_seats(self, booking_id: str, expires_ts: float) -> None:
        """Extend the hold on every seat `booking_id` still has (a late payment)."""
        await self._cells.update_many(
            {"booking_id": booking_id, "seat": {"$exists": True}, "state": HOLD},
            {"$set": {"expires_ts": expires_ts}},
        )

    async def mark_booked(self, booking_id: str) -> None:
        await self._cells.update_many({"booking_id": booking_id}, {"$set": {"state": BOOKED}})

    async def release(self, booking_id: str) -> int:
        result = await self._cells.delete_many({"booking_id": booking_id})
        return result.deleted_count

    async def busy(
        self, expert_id: str, from_ts: float, to_ts: float, *, now_ts: float
    ) -> list[float]:
        """Start times of the expert's taken cells between the two instants: booked, or held
        by a hold that has not lapsed."""
        cursor = self._cells.find(
            {"expert_id": expert_id, "start_ts": {"$gte": from_ts, "$lt": to_ts},
             "$or": [{"state": BOOKED}, {"expires_ts": {"$gte": now_ts}}]},
            {"start_ts": 1},
        )
        return [float(d["start_ts"]) async for d in cursor]

    async def stale_holds(self, now_ts: float, *, limit: int = 500) -> list[Document]:
        """Held (not booked) cells whose hold has lapsed."""
        cursor = self._cells.find(_lapsed(now_ts)).limit(limit)
        return [d async for d in cursor]

    async def drop(self, key: str, booking_id: str) -> None:
        """Delete one cell if it still belongs to `booking_id`."""
        await self._cells.delete_one({"_id": key, "booking_id": booking_id})

    async def promote(self, key: str, booking_id: str) -> None:
        await self._cells.update_one(
            {"_id": key, "booking_id": booking_id}, {"$set": {"state": BOOKED}}
        )


def _record(doc: Document | None) -> BookingRecord | None:
    return None if doc is None else BookingRecord.model_validate(doc)


def _lapsed(now_ts: float) -> Document:
    """Cells held by a hold past its expiry: free to take, and for the sweeper to remove.
    (`busy` asks for the opposite: booked, or held and not yet expired.)"""
    return {"state": HOLD, "expires_ts": {"$lt": now_ts}}


def _seat(
    expert_id: str, period: str, n: int, booking_id: str, expires_ts: float
) -> dict[str, Any]:
    """Seat n of a capped period. It has no `start_ts`, so `busy` never counts it as time."""
    return {"_id": f"{expert_id}:{period}:{n}", "expert_id": expert_id, "seat": period,
            "booking_id": booking_id, "state": HOLD, "expires_ts": expires_ts}


def _cell(
    key: str, expert_id: str, booking_id: str, start_ts: float, expires_ts: float
) -> dict[str, Any]:
    return {"_id": key, "expert_id": expert_id, "booking_id": booking_id, "state": HOLD,
            "start_ts": start_ts, "expires_ts": expires_ts}
