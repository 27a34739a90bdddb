"""Refusing revoked and replaced access tokens at once, on every process.

Access tokens are JWTs checked without I/O, so revoking one needs state every process sees:
- the user's token epoch (in the user document, which REST and the handshake read anyway):
  logout-all, a password change and a reset raise it, and a token carrying a lower epoch is
  refused;
- one Redis key per refresh-token family, written when the family is rotated (its current
  generation) or revoked ("revoked"). A token from a revoked family, or from an earlier
  generation of its family, is refused. The key lives as long as an access token does:
  after that every token it could refuse has expired anyway, so Redis never accumulates them.
"""

from dataclasses import dataclass

from redis.asyncio import Redis

from mockmate.auth.tokens import Claims, TokenIssuer
from mockmate.errors import Unauthorized
from mockmate.redis_keys import RedisKeys
from mockmate.storage.users import User, UserRepository

REVOKED = b"revoked"


class Revocations:
    def __init__(self, redis: Redis, *, prefix: str, access_ttl_s: int):
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._ttl_s = access_ttl_s

    def _key(self, family: str) -> str:
        return self._keys.auth_family(family)

    async def revoke_family(self, family: str) -> None:
        await self._redis.set(self._key(family), REVOKED, ex=self._ttl_s)

    async def rotated(self, family: str, generation: int) -> None:
        # Only ever moves forward, and never un-revokes: SET ... GET would race with a
        # concurrent revoke, a Lua compare-and-set does not.
        await self._redis.eval(
            "local v = redis.call('GET', KEYS[1]) "
            "if v == ARGV[3] or (v and tonumber(v) >= tonumber(ARGV[1])) then return 0 end "
            "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1",
            1, self._key(family), str(generation), str(self._ttl_s), REVOKED,
        )

    async def check(self, claims: Claims) -> None:
        if not claims.family:
            return
        state = await self._redis.get(self._key(claims.family))
        if state is None:
            return
        if state == REVOKED:
            raise Unauthorized("this sign-in has been revoked")
        if int(state) > claims.generation:
            raise Unauthorized("this token has been replaced")


@dataclass(frozen=True)
class Authenticated:
    user: User
    claims: Claims


class Authenticator:
    """The one check every REST request and Socket.IO handshake goes through."""

    def __init__(self, tokens: TokenIssuer, users: UserRepository, revocations: Revocations):
        self._tokens = tokens
        self._users = users
        self._revocations = revocations

    async def authenticate(self, token: object) -> Authenticated:
        claims = self._tokens.verify(token)
        await self._revocations.check(claims)
        user = await self._users.by_id(claims.user_id)
        if user is None:
            raise Unauthorized("this account no longer exists")
        if claims.epoch < user.token_epoch:
            raise Unauthorized("this token has been signed out")
        return Authenticated(user, claims)
