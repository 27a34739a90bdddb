"""Which Redis a `REDIS_URL` names: one server, or a Sentinel deployment in either form."""

import pytest

from mockmate.server.redis_url import SentinelUrl, parse_sentinel, socketio_url


def test_plain_urls_are_not_sentinels() -> None:
    assert parse_sentinel("redis://127.0.0.1:6379/0") is None
    assert socketio_url("rediss://h:1/2") == "rediss://h:1/2"


@pytest.mark.parametrize(("url", "expected"), [
    ("redis+sentinel://127.0.0.1:26379/mymaster",
     SentinelUrl([("127.0.0.1", 26379)], "mymaster")),
    ("redis+sentinel://a:1,b:2/3/cache",
     SentinelUrl([("a", 1), ("b", 2)], "cache", db=3)),
    ("redis+sentinel://:s%40cret@a:1/mm",
     SentinelUrl([("a", 1)], "mm", auth={"password": "s@cret"})),
    ("redis+sentinel://u:p@[::1]:26379/0/mm",
     SentinelUrl([("::1", 26379)], "mm", auth={"username": "u", "password": "p"})),
])
def test_sentinel_urls_in_both_forms(url: str, expected: SentinelUrl) -> None:
    assert parse_sentinel(url) == expected


def test_the_socketio_manager_gets_its_own_form() -> None:
    assert socketio_url("redis+sentinel://a:1,b:2/mm") == "redis+sentinel://a:1,b:2/0/mm"
    assert socketio_url("redis+sentinel://:pw@a:1/2/mm") == "redis+sentinel://:pw@a:1/2/mm"


@pytest.mark.parametrize("url", [
    "redis+sentinel://a:1", "redis+sentinel://a/mm", "redis+sentinel://a:1/x/mm",
    "redis+sentinel:///mm", "redis+sentinel://a:1/0/mm/extra",
])
def test_malformed_sentinel_urls_say_what_is_expected(url: str) -> None:
    with pytest.raises(ValueError, match="REDIS_URL"):
        parse_sentinel(url)
