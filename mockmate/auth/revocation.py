"""Refusing revoked and replaced access tokens at once, on every process.

Access tokens are JWTs checked without I/O, so revoking one needs state every process sees:
- the user's token epoch (in the user document, which REST reads anyway): logout-all, a
  password change and a reset raise it, and a token carrying a lower epoch is refused. The
  Socket.IO handshake reads it from Redis instead (`user_epoch`), so that hundreds of
  candidates connecting at once do not queue on MongoDB: Redis holds each user's epoch as a
  cache that only moves up (a stale read merged in later can never lower it), loaded from
  the user document when missing, raised by `SignIns.revoke_all`, and replaced by a
  tombstone when the account is erased;
- one Redis key per refresh-token family, written when the family is rotated (its current
  generation) or revoked ("revoked"). A token from a revoked family, or from an earlier
  generation of its family, is refused. The key lives as long as an access token does:
  after that every token it could refuse has expired anyway, so Redis never accumulates them.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from mockmate.auth.tokens import Claims, TokenIssuer
from mockmate.errors import Unauthorized
from mockmate.redis_keys import RedisKeys
from mockmate.storage.users import User, UserRepository

REVOKED = b"revoked"
CLOSED = b"closed"
# KEYS[1] the user's epoch; ARGV: epoch, ttl s, CLOSED. Keeps the higher epoch, never
# reopens a closed account; returns what the key holds after.
MERGE_EPOCH = (
    "local v = redis.call('GET', KEYS[1]) "
    "if v == ARGV[3] or (v and tonumber(v) >= tonumber(ARGV[1])) then return v end "
    "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return ARGV[1]"
)


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

    async def user_epoch(
        self, user_id: str, load: Callable[[], Awaitable[int | None]]
    ) -> int | None:
        """The user's token epoch as every process sees it; None for an account that no
        longer exists (or is being erased). Loaded through `load` (from MongoDB) when Redis
        does not hold it: first use, expired, or Redis came back empty."""
        key = self._keys.auth_epoch(user_id)
        state = await self._redis.get(key)
        if state is None:
            epoch = await load()
            if epoch is None:
                return None
            state = await self._redis.eval(MERGE_EPOCH, 1, key, str(epoch), str(self._ttl_s),
                                           CLOSED)
        if state == CLOSED:
            return None
        return int(state)

    async def forget_epoch(self, user_id: str) -> None:
        """Before the epoch is raised in MongoDB: handshakes meanwhile load it afresh."""
        await self._redis.delete(self._keys.auth_epoch(user_id))

    async def epoch_raised(self, user_id: str, epoch: int) -> None:
        """The user's epoch is at least `epoch` (raised, or read at a sign-in)."""
        await self._redis.eval(MERGE_EPOCH, 1, self._keys.auth_epoch(user_id), str(epoch),
                               str(self._ttl_s), CLOSED)

    async def account_closed(self, user_id: str) -> None:
        """The account is being erased: its tokens are refused at the handshake from now on.
        The tombstone outlives every access token issued before it."""
        await self._redis.set(self._keys.auth_epoch(user_id), CLOSED, ex=self._ttl_s)

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

    async def admit(self, token: object) -> Claims:
        """The Socket.IO handshake's check: the same refusals as `authenticate`, from Redis
        alone once the user's epoch is known there (it reads no user document)."""
        claims = self._tokens.verify(token)
        await self._revocations.check(claims)
        epoch = await self._epoch(claims.user_id)
        if epoch is None:
            raise Unauthorized("this account no longer exists")
        if claims.epoch < epoch:
            raise Unauthorized("this token has been signed out")
        return claims

    async def account_open(self, user_id: str) -> bool:
        """Whether the account exists and is not being erased (from Redis once known)."""
        return await self._epoch(user_id) is not None

    async def _epoch(self, user_id: str) -> int | None:
        """The user's epoch from Redis, loaded from the user document when missing."""
        return await self._revocations.user_epoch(user_id, lambda: self._stored_epoch(user_id))

    async def _stored_epoch(self, user_id: str) -> int | None:
        user = await self._users.by_id(user_id)
        return None if user is None else user.token_epoch
