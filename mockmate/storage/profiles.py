"""Candidate profiles: one document per user, created with defaults on first read."""

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.profiles.models import Profile
from mockmate.storage.database import Document


class ProfileRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._profiles = db.profiles

    async def get(self, user_id: str, display_name: str) -> Profile:
        """The user's profile; a new one (named `display_name`) when there is none yet."""
        doc = await self._profiles.find_one({"_id": user_id})
        if doc is not None:
            return Profile.model_validate(doc["profile"])
        profile = Profile.new(display_name, datetime.now(UTC))
        try:
            await self._profiles.insert_one(
                {"_id": user_id, "profile": profile.model_dump(mode="json")}
            )
        except DuplicateKeyError:
            return await self.get(user_id, display_name)  # created concurrently
        return profile

    async def time_zone(self, user_id: str) -> str:
        # The whole field, not "profile.time_zone": nx-27017 flattens dotted projections.
        doc = await self._profiles.find_one({"_id": user_id}, {"profile": 1})
        return str(((doc or {}).get("profile") or {}).get("time_zone") or "UTC")

    async def consents_to_recordings(self, user_id: str) -> bool:
        doc = await self._profiles.find_one({"_id": user_id}, {"profile": 1})
        consent = ((doc or {}).get("profile") or {}).get("consent") or {}
        return bool(consent.get("recordings"))

    async def replace(self, user_id: str, before: Profile, after: Profile) -> bool:
        """Store `after` if the profile is still `before` (a concurrent PATCH loses)."""
        result = await self._profiles.update_one(
            {"_id": user_id, "profile.updated_at": before.model_dump(mode="json")["updated_at"]},
            {"$set": {"profile": after.model_dump(mode="json")}},
        )
        return result.modified_count == 1

    async def delete(self, user_id: str) -> None:
        await self._profiles.delete_one({"_id": user_id})
