"""Small pure rules: the rate limiter, score summaries, and tokens."""

import jwt
import pytest

from mockmate.auth.tokens import TokenIssuer
from mockmate.errors import ErrorCode, MockMateError
from mockmate.evaluators.scoring import summarize_scores
from mockmate.ratelimit import TokenBucket

SECRET = "s" * 64  # long enough for HS512 too (the algorithm refused below)
NOW = 1_800_000_000


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


def claims(**changes: object) -> dict[str, object]:
    return {"sub": "u1", "exp": NOW + 60, "iat": NOW, "iss": "mockmate", **changes}


@pytest.mark.parametrize("token", [
    None, "", "garbage", 42,
    jwt.encode(claims(exp=NOW - 10), SECRET, algorithm="HS256"),
    jwt.encode(claims(), "another-secret-" + "y" * 30, algorithm="HS256"),
    jwt.encode(claims(), SECRET, algorithm="HS512"),
    jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256"),
    jwt.encode({k: v for k, v in claims().items() if k != "iat"}, SECRET, algorithm="HS256"),
    jwt.encode(claims(exp=str(NOW + 60)), SECRET, algorithm="HS256"),
    jwt.encode(claims(exp=True), SECRET, algorithm="HS256"),
    jwt.encode(claims(exp=float("nan")), SECRET, algorithm="HS256"),
    jwt.encode(claims(exp=float("inf")), SECRET, algorithm="HS256"),
    jwt.encode(claims(iat="yesterday"), SECRET, algorithm="HS256"),
    jwt.encode(claims(nbf=NOW + 61), SECRET, algorithm="HS256"),
    jwt.encode(claims(iat=NOW + 61, exp=NOW + 120), SECRET, algorithm="HS256"),
    jwt.encode(claims(sub=7), SECRET, algorithm="HS256"),
])
def test_bad_tokens_are_unauthorized(token: object) -> None:
    with pytest.raises(MockMateError) as refused:
        issuer_at(NOW).verify(token)
    assert refused.value.code is ErrorCode.UNAUTHORIZED


def test_a_token_expires_by_the_issuers_clock_at_its_ttl() -> None:
    clock = FakeClock()
    clock.now = NOW
    issuer = TokenIssuer(SECRET, ttl_s=60, clock=clock)
    token = issuer.issue("u1", ("user",))
    assert jwt.decode(token, options={"verify_signature": False})["exp"] == NOW + 60
    clock.now = NOW + 59.9
    assert issuer.verify(token).user_id == "u1"
    clock.now = NOW + 60  # expired at `exp` itself, as PyJWT has it
    with pytest.raises(MockMateError, match="expired") as refused:
        issuer.verify(token)
    assert refused.value.code is ErrorCode.UNAUTHORIZED
    # The issuer's clock alone decides, whatever the real time is; another process whose
    # clock is up to a minute ahead issues tokens this one takes, but not further ahead.
    clock.now = 4_000_000_000
    assert issuer.verify(issuer.issue("u1", ("user",))).user_id == "u1"
    ahead = TokenIssuer(SECRET, ttl_s=600, clock=lambda: NOW + 60)
    assert issuer_at(NOW).verify(ahead.issue("u1", ("user",))).user_id == "u1"
    further = TokenIssuer(SECRET, ttl_s=600, clock=lambda: NOW + 61)
    with pytest.raises(MockMateError, match="not valid yet"):
        issuer_at(NOW).verify(further.issue("u1", ("user",)))


def issuer_at(now: float) -> TokenIssuer:
    return TokenIssuer(SECRET, ttl_s=60, clock=lambda: now)


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenIssuer("short", ttl_s=60)
