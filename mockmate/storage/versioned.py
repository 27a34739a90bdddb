"""A versioned change to one document: the one way several stores write a per-user value.

nx-27017 has no multi-document transactions, so a value that several processes change at
once (a subscription's state, a candidate's progress, a skill record) lives in one document
with a `version`: a change reads it, computes the new fields purely, and writes them only if
the version is still the one read (inserting version 1 when there is no document yet);
otherwise it computes again from the newer document, after a short random back-off.
"""

import asyncio
import random
from collections.abc import Callable
from typing import TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from mockmate.errors import Unavailable
from mockmate.storage.database import Document

T = TypeVar("T")

# Given the stored document (None: none yet), the fields to set (None: nothing to write) and
# what the caller gets back. It may run several times, so it must be pure.
VersionedStep = Callable[[Document | None], tuple[Document | None, T]]


async def change_versioned(
    collection: AsyncCollection[Document], doc_id: str, step: VersionedStep[T], *,
    attempts: int, busy: str, known: Document | None = None,
) -> T:
    """Apply `step` to the document `doc_id` atomically; what its winning run returned.
    `busy`: the `unavailable` message after `attempts` lost races. `known`: the document as
    the caller has just written it, tried first instead of reading it (the version check
    still guards the write: if it has changed since, it is read and the step runs again)."""
    for attempt in range(attempts + (known is not None)):  # a stale `known` is no race lost
        guessed, known = known, None
        doc = guessed if guessed is not None else await collection.find_one({"_id": doc_id})
        fields, result = step(doc)
        if fields is None:
            if guessed is not None:
                continue  # nothing to write to what we know: look at what is stored
            return result
        if doc is None:
            try:
                await collection.insert_one({"_id": doc_id, **fields, "version": 1})
                return result
            except DuplicateKeyError:
                continue  # created meanwhile: change that one
        version = int(doc.get("version", 0))
        written = await collection.update_one(
            {"_id": doc_id, "version": version}, {"$set": {**fields, "version": version + 1}}
        )
        if written.modified_count == 1:
            return result
        if guessed is None:
            await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
    raise Unavailable(busy)
