"""Small pure rules: the rate limiter, score summaries, and tokens."""

import time

import jwt
import pytest

from mockmate.auth.tokens import TokenIssuer
from mockmate.errors import ErrorCode, MockMateError
from mockmate.evaluators.scoring import summarize_scores
from mockmate.ratelimit import TokenBucket

SECRET = "s" * 40


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2, burst=5, clock=clock)
    assert [bucket.allow() for _ in range(6)] == [True] * 5 + [False]
    clock.now += 1.0
    assert [bucket.allow() for _ in range(3)] == [True, True, False]
    clock.now += 100
    assert sum(bucket.allow() for _ in range(10)) == 5  # never more than the burst


def test_scores_are_averaged_overall_and_per_category() -> None:
    overall, by_category = summarize_scores(
        [("behavioral", 8.0), ("technical", 6.0), ("behavioral", 6.0)]
    )
    assert overall == 6.7
    assert by_category == {"behavioral": 7.0, "technical": 6.0}
    assert summarize_scores([]) == (None, {})


def test_tokens_round_trip_and_carry_roles() -> None:
    issuer = TokenIssuer(SECRET, ttl_s=60)
    claims = issuer.verify(issuer.issue("u1", ("user", "admin")))
    assert claims.user_id == "u1" and claims.roles == ("user", "admin")


@pytest.mark.parametrize("token", [
    None, "", "garbage", 42,
    jwt.encode({"sub": "u1", "exp": int(time.time()) - 10, "iat": 0, "iss": "mockmate"},
               SECRET, algorithm="HS256"),
    jwt.encode({"sub": "u1", "exp": int(time.time()) + 60, "iat": 0, "iss": "mockmate"},
               "another-secret-" + "y" * 30, algorithm="HS256"),
    jwt.encode({"sub": "u1", "exp": int(time.time()) + 60, "iat": 0, "iss": "mockmate"},
               SECRET, algorithm="HS512"),
])
def test_bad_tokens_are_unauthorized(token: object) -> None:
    with pytest.raises(MockMateError) as refused:
        TokenIssuer(SECRET, ttl_s=60).verify(token)
    assert refused.value.code is ErrorCode.UNAUTHORIZED


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenIssuer("short", ttl_s=60)
