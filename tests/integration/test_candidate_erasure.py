"""What the candidate features store (devices, used refresh tokens, reset tokens, resumes and
their files, share links) is exported with the account and erased with it."""

from typing import Any

import aiohttp

from mockmate.config import Settings
from mockmate.storage.database import connect
from tests.integration.test_account_security import sign_in, sign_up
from tests.integration.test_resumes import upload
from tests.support.marketplace import Api
from tests.support.resumes import RESUME_TEXT


async def resume_files(db: Any, user_id: str) -> int:
    # Read with find: the stand-in cannot aggregate (count) over a GridFS files collection.
    files = db["resume_files.files"].find({}, {"metadata": 1})
    return sum([(doc.get("metadata") or {}).get("user_id") == user_id async for doc in files])


async def test_export_and_erase_cover_the_candidate_features(
    server_url: str, settings: Settings
) -> None:
    async with aiohttp.ClientSession() as http:
        api, account = await sign_up(server_url, http)
        email, user_id = account["user"]["email"], account["user"]["id"]
        _, second = await sign_in(server_url, http, email)
        await Api(server_url, None, http).post("/api/auth/refresh",
                                                {"refresh_token": second["refresh_token"]})
        await Api(server_url, None, http).post("/api/auth/password/forgot", {"email": email})
        status, body = await upload(api, RESUME_TEXT.encode(), "cv.txt")
        assert status == 201
        resume_id = body["resume"]["id"]

        status, export = await api.get("/api/me/export")
        assert status == 200
        assert len(export["security"]["devices"]) == 2
        assert [r["id"] for r in export["resumes"]["resumes"]] == [resume_id]
        assert export["sharing"] == {"share_links": []}

        mongo = connect(settings.mongodb_url)
        try:
            db = mongo[settings.mongodb_db]
            families = [d["_id"] async for d in db.auth_families.find({"user_id": user_id})]
            assert len(families) == 2
            assert await db.auth_used_refresh.count_documents({"family": {"$in": families}}) == 1
            assert await db.password_resets.count_documents({"user_id": user_id}) == 1
            assert await resume_files(db, user_id) == 1

            status, _ = await api.request("DELETE", "/api/me")
            assert status == 200
            assert await db.auth_families.count_documents({"user_id": user_id}) == 0
            assert await db.auth_used_refresh.count_documents({"family": {"$in": families}}) == 0
            assert await db.password_resets.count_documents({"user_id": user_id}) == 0
            assert await db.resumes.count_documents({"user_id": user_id}) == 0
            assert await resume_files(db, user_id) == 0
            assert await db.shares.count_documents({"user_id": user_id}) == 0
        finally:
            await mongo.close()
        status, _ = await Api(server_url, second["token"], http).get("/api/auth/me")
        assert status == 401
