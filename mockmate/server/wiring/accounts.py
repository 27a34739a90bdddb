"""Accounts and their security: users, password hashing, tokens, sign-ins, lockouts and the
credential throttle, published as one `Accounts` feature for the auth routes and sockets."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from mockmate.auth.accounts import Accounts, HashingPool
from mockmate.auth.login_guard import LoginGuard
from mockmate.auth.throttle import CredentialThrottle
from mockmate.auth.tokens import TokenIssuer
from mockmate.auth.wiring import AccountSecurity, open_account_security
from mockmate.server.wiring.core import CORE, jwt_secret
from mockmate.storage.users import UserRepository


@dataclass(frozen=True)
class AccountsFeature:
    users: UserRepository
    accounts: Accounts
    security: AccountSecurity
    login_guard: LoginGuard
    credential_throttle: CredentialThrottle


ACCOUNTS = web.AppKey("accounts", AccountsFeature)


async def accounts_context(app: web.Application) -> AsyncIterator[None]:
    core = app[CORE]
    settings = core.settings
    users = UserRepository(core.db)
    secret = jwt_secret(settings)
    tokens = TokenIssuer(secret, settings.jwt_ttl_s)
    hashing = HashingPool(settings.password_hash_threads, settings.password_hash_queue)
    try:
        accounts = Accounts(users, tokens, hashing)
        security = await open_account_security(
            settings, db=core.db, redis=core.redis, users=users, accounts=accounts,
            tokens=tokens, queue=core.queue, secret=secret,
        )
        app[ACCOUNTS] = AccountsFeature(
            users=users, accounts=accounts, security=security,
            login_guard=LoginGuard(
                core.redis, prefix=settings.redis_prefix,
                max_failures=settings.login_max_failures, window_s=settings.login_lockout_s,
            ),
            credential_throttle=CredentialThrottle(
                core.redis, prefix=settings.redis_prefix, per_ip=settings.auth_per_ip,
                per_address=settings.auth_per_address, window_s=settings.auth_window_s,
            ),
        )
        yield
    finally:
        hashing.close()
