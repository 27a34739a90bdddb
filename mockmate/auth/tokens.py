"""Issuing and checking the HS256 JWTs that clients present on REST and in the handshake.

Expiry is judged by the clock the issuer is given, not PyJWT's reading of the real one, so
tests can move time past a token's life instead of waiting for it.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt
from jwt.types import Options

from mockmate.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "mockmate"
# How far ahead of this process's clock another's may issue a token (`iat`, `nbf`): processes'
# clocks differ a little, and a token issued a moment "ahead" must not bounce.
CLOCK_SKEW_S = 60.0
# PyJWT checks these against the real clock: the issuer checks them against its own.
_DECODE_OPTIONS: Options = {
    "require": ["sub", "exp", "iat"], "verify_exp": False, "verify_iat": False,
    "verify_nbf": False,
}


def _is_time(value: object) -> bool:
    """A claim that is a finite number of seconds (JSON gives bools and NaN too)."""
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


@dataclass(frozen=True)
class Claims:
    user_id: str
    roles: tuple[str, ...]
    # A signed-in device's refresh-token family and its rotation count when this token was
    # issued (empty for `mockmate token`), and the user's token epoch (see auth/revocation.py).
    family: str = ""
    generation: int = 0
    epoch: int = 0


class TokenIssuer:
    def __init__(self, secret: str, ttl_s: int, *, clock: Callable[[], float] = time.time):
        if len(secret) < 32:
            raise ValueError("the JWT secret must be at least 32 characters")
        self._secret = secret
        self._ttl_s = ttl_s
        self._clock = clock

    def issue(
        self, user_id: str, roles: tuple[str, ...], *, family: str = "", generation: int = 0,
        epoch: int = 0, ttl_s: int | None = None,
    ) -> str:
        now = int(self._clock())
        claims: dict[str, object] = {
            "sub": user_id, "roles": list(roles), "iat": now,
            "exp": now + (ttl_s or self._ttl_s), "iss": ISSUER, "ep": epoch,
        }
        if family:
            claims |= {"fam": family, "gen": generation}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: object) -> Claims:
        if not isinstance(token, str) or not token:
            raise Unauthorized("a token is required")
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], issuer=ISSUER,
                                options=_DECODE_OPTIONS)
        except jwt.PyJWTError:
            raise Unauthorized("the token is not valid") from None
        expires, issued, not_before = claims["exp"], claims["iat"], claims.get("nbf", 0)
        if not (_is_time(expires) and _is_time(issued) and _is_time(not_before)):
            raise Unauthorized("the token is not valid")
        now = self._clock()
        if max(issued, not_before) > now + CLOCK_SKEW_S:
            raise Unauthorized("the token is not valid yet")
        if expires <= now:  # as PyJWT judges it: expired at `exp` itself
            raise Unauthorized("the token has expired")
        roles = claims.get("roles", [])
        family, generation, epoch = claims.get("fam", ""), claims.get("gen", 0), \
            claims.get("ep", 0)
        if not isinstance(claims["sub"], str) or not isinstance(roles, list) \
                or not isinstance(family, str) or not isinstance(generation, int) \
                or not isinstance(epoch, int):
            raise Unauthorized("the token is not valid")
        return Claims(user_id=claims["sub"], roles=tuple(str(r) for r in roles),
                      family=family, generation=generation, epoch=epoch)
