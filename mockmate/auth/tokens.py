"""Issuing and checking the HS256 JWTs that clients present on REST and in the handshake."""

import time
from dataclasses import dataclass

import jwt

from mockmate.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "mockmate"


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
    def __init__(self, secret: str, ttl_s: int):
        if len(secret) < 32:
            raise ValueError("the JWT secret must be at least 32 characters")
        self._secret = secret
        self._ttl_s = ttl_s

    def issue(
        self, user_id: str, roles: tuple[str, ...], *, family: str = "", generation: int = 0,
        epoch: int = 0, ttl_s: int | None = None,
    ) -> str:
        now = int(time.time())
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
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], issuer=ISSUER,
                options={"require": ["sub", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("the token is not valid") from None
        roles = claims.get("roles", [])
        family, generation, epoch = claims.get("fam", ""), claims.get("gen", 0), \
            claims.get("ep", 0)
        if not isinstance(claims["sub"], str) or not isinstance(roles, list) \
                or not isinstance(family, str) or not isinstance(generation, int) \
                or not isinstance(epoch, int):
            raise Unauthorized("the token is not valid")
        return Claims(user_id=claims["sub"], roles=tuple(str(r) for r in roles),
                      family=family, generation=generation, epoch=epoch)
