"""The TOTP time window on an injected clock (real MongoDB wire and Redis): a code counts in
its own 30 s step and one step either side, never two steps away, and each step once, at any
hour, however slow the test machine is."""

import uuid
from collections.abc import AsyncIterator

import pyotp
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.auth.two_factor import STEP_S, CodeRequest, SecondStep, TwoFactor
from mockmate.errors import Unauthorized
from mockmate.storage.database import Document

START = 1_790_000_000.0 - 1_790_000_000.0 % STEP_S  # the start of a time step


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def enabled_user(two_factor: TwoFactor, clock: Clock) -> tuple[str, pyotp.TOTP]:
    user_id = uuid.uuid4().hex
    app = pyotp.TOTP((await two_factor.setup(user_id, "a@example.com"))["secret"])
    await two_factor.enable(user_id, CodeRequest(code=app.at(clock.now)))
    return user_id, app


async def sign_in(two_factor: TwoFactor, user_id: str, code: str) -> str:
    ticket = await two_factor.challenge(user_id)
    return await two_factor.complete(SecondStep(mfa_token=ticket["mfa_token"], code=code))


async def test_a_code_counts_one_step_either_side_and_each_step_once(
    db: AsyncDatabase[Document], redis: Redis
) -> None:
    clock = Clock()
    two_factor = TwoFactor(db, redis, prefix=f"t:{uuid.uuid4().hex[:8]}", clock=clock)
    user_id, app = await enabled_user(two_factor, clock)  # spends step 0

    clock.now = START + 10 * STEP_S + STEP_S - 0.001  # the last instant of step 10
    assert await sign_in(two_factor, user_id, app.at(clock.now, counter_offset=1)) == user_id
    with pytest.raises(Unauthorized):  # step 11 was just used
        await sign_in(two_factor, user_id, app.at(clock.now, counter_offset=1))
    with pytest.raises(Unauthorized):  # an older step after a newer one: replay refused
        await sign_in(two_factor, user_id, app.at(clock.now))

    clock.now = START + 13 * STEP_S  # step 13: step 11 is two behind, step 15 two ahead
    for too_far in (-2, 2):
        with pytest.raises(Unauthorized):
            await sign_in(two_factor, user_id, app.at(clock.now, counter_offset=too_far))
    assert await sign_in(two_factor, user_id, app.at(clock.now, counter_offset=-1)) == user_id


async def test_enabling_needs_a_code_of_the_current_window(
    db: AsyncDatabase[Document], redis: Redis
) -> None:
    clock = Clock()
    two_factor = TwoFactor(db, redis, prefix=f"t:{uuid.uuid4().hex[:8]}", clock=clock)
    user_id = uuid.uuid4().hex
    app = pyotp.TOTP((await two_factor.setup(user_id, "b@example.com"))["secret"])
    clock.now = START + 100 * STEP_S
    with pytest.raises(Unauthorized):  # the app's clock five minutes off: not accepted
        await two_factor.enable(user_id, CodeRequest(code=app.at(START + 90 * STEP_S)))
    assert (await two_factor.enable(user_id, CodeRequest(code=app.at(clock.now))))["enabled"]
    assert await two_factor.enabled(user_id)
