"""Expiry of reset links and refresh tokens, on real MongoDB-wire and Redis services with an
injected clock (no test waits for the wall clock)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.auth.accounts import Accounts, RegisterRequest
from mockmate.auth.passwords import Passwords, ResetPasswordRequest
from mockmate.auth.refresh import Device, SignIns
from mockmate.auth.revocation import Revocations
from mockmate.auth.tokens import TokenIssuer
from mockmate.config import Settings
from mockmate.errors import MockMateError
from mockmate.jobs.queue import JobQueue
from mockmate.mail import SmtpMailer
from mockmate.storage.database import Document, connect, ensure_indexes
from mockmate.storage.users import UserRepository
from tests.integration.test_account_security import reset_token
from tests.support.server import TEST_SECRET
from tests.support.smtp import Inbox, body_of, smtp_server


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Parts:
    db: AsyncDatabase[Document]
    clock: Clock
    accounts: Accounts
    passwords: Passwords
    sign_ins: SignIns
    inbox: Inbox


@pytest.fixture
async def parts(settings: Settings) -> AsyncIterator[Parts]:
    mongo = connect(settings.mongodb_url)
    redis = Redis.from_url(settings.redis_url)
    db = mongo[settings.mongodb_db]
    await ensure_indexes(db)
    clock, users = Clock(), UserRepository(db)
    tokens = TokenIssuer(TEST_SECRET, 3600, clock=clock)
    accounts = Accounts(users, tokens)
    queue = JobQueue(redis, prefix=settings.redis_prefix, consumer_prefix="t",
                     claim_idle_s=1, max_attempts=1)
    with smtp_server() as inbox:
        yield Parts(
            db=db, clock=clock, accounts=accounts, inbox=inbox,
            passwords=Passwords(
                db, users=users, accounts=accounts, queue=queue,
                mailer=SmtpMailer(inbox.url, "MockMate <no-reply@example.com>"),
                secret=TEST_SECRET, reset_ttl_s=3600, public_url="http://x", clock=clock,
            ),
            sign_ins=SignIns(
                db, users=users, tokens=tokens,
                revocations=Revocations(redis, prefix=settings.redis_prefix, access_ttl_s=900),
                access_ttl_s=900, refresh_ttl_s=86400, clock=clock,
            ),
        )
    await redis.aclose()
    await mongo.close()


async def mailed_token(parts: Parts, email: str) -> str:
    await parts.passwords.forgot(email)
    db_doc = await parts.db.password_resets.find_one({}, sort=[("created_at", -1)])
    assert db_doc is not None
    # What the queued job does, run here so that it sees the injected clock.
    await parts.passwords.send_reset_mail({"reset_id": db_doc["_id"]})
    return reset_token(body_of(await parts.inbox.next()))


async def test_a_reset_link_expires(parts: Parts) -> None:
    user, _ = await parts.accounts.register(RegisterRequest(
        email="late@example.com", password="x" * 10, display_name="Late"))
    token = await mailed_token(parts, user.email)
    parts.clock.now += 3600
    with pytest.raises(MockMateError) as refused:
        await parts.passwords.reset(ResetPasswordRequest(token=token, password="y" * 10))
    assert refused.value.code == "unauthorized"

    fresh = await mailed_token(parts, user.email)
    parts.clock.now += 3599
    assert (await parts.passwords.reset(ResetPasswordRequest(token=fresh, password="y" * 10))
            ).id == user.id


async def test_a_refresh_token_unused_too_long_expires(parts: Parts) -> None:
    user, _ = await parts.accounts.register(RegisterRequest(
        email="idle@example.com", password="x" * 10, display_name="Idle"))
    device = Device(ip="127.0.0.1", user_agent="pytest")
    pair = await parts.sign_ins.open(user, device)
    parts.clock.now += 86399  # used just in time: the window slides
    _, pair = await parts.sign_ins.refresh(pair.refresh_token, device)
    parts.clock.now += 86400
    with pytest.raises(MockMateError) as refused:
        await parts.sign_ins.refresh(pair.refresh_token, device)
    assert "expired" in refused.value.message
    assert await parts.sign_ins.devices(user.id, "") == []
