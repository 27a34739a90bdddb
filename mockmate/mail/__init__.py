"""Outgoing e-mail behind one narrow interface, chosen once at start-up.

`Mailer.send(Mail)` is all a feature sees (password resets today, notifications later). With
`MOCKMATE_SMTP_URL` set, mail goes through that SMTP server (aiosmtplib); on embedded defaults
it is appended to an outbox file under the data dir, and the server logs where, so a
developer can open the link in a reset mail without any mail server.
"""

import asyncio
import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

log = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.jsonl"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    # An HTML alternative to `text` (notifications), and a stable Message-ID so a receiving
    # system can recognise a repeat.
    html: str | None = None
    message_id: str | None = None


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None:
        """Deliver `mail` or raise (the caller's job is retried)."""


@dataclass(frozen=True)
class SmtpSettings:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # implicit TLS (smtps://)
    start_tls: bool | None  # None: upgrade when the server offers it


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://[user:password@]host[:port][?starttls=true|false]` or `smtps://...`."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("MOCKMATE_SMTP_URL must look like smtp://user:password@host:port")
    implicit_tls = parts.scheme == "smtps"
    flag = parse_qs(parts.query).get("starttls", [""])[0].lower()
    start_tls = {"true": True, "false": False}.get(flag)
    return SmtpSettings(
        hostname=parts.hostname,
        port=parts.port or (465 if implicit_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=implicit_tls,
        start_tls=False if implicit_tls else start_tls,
    )


class SmtpMailer:
    def __init__(self, url: str, sender: str, *, timeout_s: float = 15.0):
        self._smtp = parse_smtp_url(url)
        self._sender = sender
        self._timeout_s = timeout_s

    async def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        if mail.message_id:
            message["Message-ID"] = mail.message_id
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        await aiosmtplib.send(
            message, hostname=self._smtp.hostname, port=self._smtp.port,
            username=self._smtp.username, password=self._smtp.password,
            use_tls=self._smtp.use_tls, start_tls=self._smtp.start_tls,
            timeout=self._timeout_s,
        )


class OutboxMailer:
    """Appends each mail as one JSON line to a local file (the embedded default)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = asyncio.Lock()

    async def send(self, mail: Mail) -> None:
        line = json.dumps({"at": datetime.now(UTC).isoformat(), **asdict(mail)}) + "\n"
        async with self._lock:
            await asyncio.to_thread(self._append, line)
        log.info("mail to %s (%r) written to the outbox %s", mail.to, mail.subject, self.path)

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)


def open_mailer(smtp_url: str, sender: str, data_dir: Path) -> Mailer:
    if smtp_url:
        return SmtpMailer(smtp_url, sender)
    outbox = OutboxMailer(data_dir / OUTBOX_FILE)
    log.warning("MOCKMATE_SMTP_URL is not set: e-mail is written to %s", outbox.path)
    return outbox
