"""Issuing and checking the HS256 JWTs that clients present on REST and in the handshake."""

import time
from dataclasses import dataclass

import jwt

from mockmate.errors import ErrorCode, MockMateError

ALGORITHM = "HS256"
ISSUER = "mockmate"


@dataclass(frozen=True)
class Claims:
    user_id: str
    roles: tuple[str, ...]


class TokenIssuer:
    def __init__(self, secret: str, ttl_s: int):
        if len(secret) < 32:
            raise ValueError("the JWT secret must be at least 32 characters")
        self._secret = secret
        self._ttl_s = ttl_s

    def issue(self, user_id: str, roles: tuple[str, ...]) -> str:
        now = int(time.time())
        claims = {"sub": user_id, "roles": list(roles), "iat": now, "exp": now + self._ttl_s,
                  "iss": ISSUER}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: object) -> Claims:
        if not isinstance(token, str) or not token:
            raise MockMateError(ErrorCode.UNAUTHORIZED, "a token is required")
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], issuer=ISSUER,
                options={"require": ["sub", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise MockMateError(ErrorCode.UNAUTHORIZED, "the token has expired") from None
        except jwt.PyJWTError:
            raise MockMateError(ErrorCode.UNAUTHORIZED, "the token is not valid") from None
        roles = claims.get("roles", [])
        if not isinstance(claims["sub"], str) or not isinstance(roles, list):
            raise MockMateError(ErrorCode.UNAUTHORIZED, "the token is not valid")
        return Claims(user_id=claims["sub"], roles=tuple(str(r) for r in roles))
