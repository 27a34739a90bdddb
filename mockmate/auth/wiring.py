"""Start-up wiring of account security: revocation checks, signed-in devices, passwords, mail."""

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.auth.accounts import Accounts
from mockmate.auth.passwords import SEND_PASSWORD_RESET, Passwords, ensure_reset_indexes
from mockmate.auth.refresh import SignIns, ensure_refresh_indexes
from mockmate.auth.revocation import Authenticator, Revocations
from mockmate.auth.tokens import TokenIssuer
from mockmate.config import Settings
from mockmate.jobs.queue import JobQueue
from mockmate.mail import Mailer, open_mailer
from mockmate.storage.database import Document
from mockmate.storage.users import UserRepository


@dataclass
class AccountSecurity:
    authenticator: Authenticator
    revocations: Revocations
    sign_ins: SignIns
    passwords: Passwords
    mailer: Mailer

    async def export_user(self, user_id: str) -> dict[str, Any]:
        devices = await self.sign_ins.devices(user_id, current_family="")
        return {"devices": [d.model_dump() for d in devices]}

    async def erase_user(self, user_id: str) -> None:
        await self.sign_ins.erase_user(user_id)
        await self.passwords.erase_user(user_id)


async def open_account_security(
    settings: Settings, *, db: AsyncDatabase[Document], redis: Redis, users: UserRepository,
    accounts: Accounts, tokens: TokenIssuer, queue: JobQueue, secret: str,
) -> AccountSecurity:
    await ensure_refresh_indexes(db)
    await ensure_reset_indexes(db)
    revocations = Revocations(
        redis, prefix=settings.redis_prefix, access_ttl_s=settings.access_token_ttl_s
    )
    mailer = open_mailer(settings.smtp_url, settings.mail_from, settings.data_dir)
    passwords = Passwords(
        db, users=users, accounts=accounts, queue=queue, mailer=mailer, secret=secret,
        reset_ttl_s=settings.password_reset_ttl_s, public_url=settings.public_url,
    )
    queue.register(SEND_PASSWORD_RESET, passwords.send_reset_mail)
    return AccountSecurity(
        authenticator=Authenticator(tokens, users, revocations),
        revocations=revocations,
        sign_ins=SignIns(
            db, users=users, tokens=tokens, revocations=revocations,
            access_ttl_s=settings.access_token_ttl_s,
            refresh_ttl_s=settings.refresh_token_ttl_s,
        ),
        passwords=passwords,
        mailer=mailer,
    )
