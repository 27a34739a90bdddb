"""The `mockmate` command: `serve` runs a server process, `token` prints a JWT for a user,
`eval-report` measures the configured evaluator against graded answers, `loadtest` drives
scripted candidates against running servers, `specs` checks or writes docs/asyncapi.json and
docs/openapi.json."""

import argparse
import asyncio
import logging
import sys
from contextlib import AsyncExitStack
from pathlib import Path

from aiohttp import web

from mockmate.auth.accounts import Accounts
from mockmate.auth.tokens import TokenIssuer
from mockmate.config import Settings
from mockmate.loadtest import command as loadtest
from mockmate.observability import configure_logging, init_sentry
from mockmate.server.embedded import EmbeddedMongo, running_embedded_mongo
from mockmate.server.wiring.core import jwt_secret
from mockmate.storage.database import connect, ensure_indexes
from mockmate.storage.users import UserRepository

# The admin `mockmate loadtest` mints its users with, when not given `--admin-token`.
LOADTEST_ADMIN = "loadtest-admin@example.com"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mockmate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run one server process")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    token = commands.add_parser("token", help="print a token for USER_EMAIL (created if new)")
    token.add_argument("email")
    token.add_argument("--admin", action="store_true", help="give the user the admin role")
    report = commands.add_parser(
        "eval-report", help="score a graded file (default: the corpus) and print the agreement"
    )
    report.add_argument("file", nargs="?", type=Path, help="graded answers, JSON Lines")
    report.add_argument("--json", action="store_true", help="print JSON instead of text")
    report.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    loadtest.add_parser(commands)
    specs = commands.add_parser("specs", help="check (or --write) docs/asyncapi.json and "
                                              "docs/openapi.json against the code")
    specs.add_argument("--write", action="store_true", help="rewrite the files that differ")
    specs.add_argument("--dir", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        return _serve(settings, args.host, args.port)
    if args.command == "eval-report":
        return _eval_report(settings, args.file, args.json, args.check)
    if args.command == "specs":
        return _specs(settings, args.dir, args.write)
    if args.command == "loadtest":
        return loadtest.main(args, lambda: asyncio.run(
            _token(settings, LOADTEST_ADMIN, admin=True)))
    print(asyncio.run(_token(settings, args.email, args.admin)))
    return 0


def _serve(settings: Settings, host: str, port: int) -> int:
    configure_logging(settings)
    if init_sentry(settings):
        logging.getLogger(__name__).info("errors are reported to Sentry")
    from mockmate.server.app import create_app
    from mockmate.server.gc_pauses import freeze_startup_objects

    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host

    def announce(_: object) -> None:
        # aiohttp calls this once the port is listening. With JSON logs every line of output
        # must be JSON, so the address is logged there instead of printed.
        message = f"MockMate is running: open http://{shown}:{port}/ in a browser"
        if settings.log_format == "json":
            logging.getLogger(__name__).info(message)
        else:
            print(f"{message} (Ctrl-C stops it)", flush=True)

    app = create_app(settings)
    if settings.gc_freeze:
        # After every feature has started: see mockmate.server.gc_pauses.
        app.on_startup.append(freeze_startup_objects)
    # A short shutdown timeout: long-polling requests would otherwise hold a stop for ~25 s.
    web.run_app(app, host=host, port=port, print=announce, shutdown_timeout=5.0)
    return 0


def _eval_report(settings: Settings, path: Path | None, as_json: bool, check: bool) -> int:
    from mockmate.eval_report import eval_report

    try:
        text, met = asyncio.run(eval_report(settings, path, as_json))
    except (OSError, ValueError) as exc:
        print(f"mockmate eval-report: {exc}", file=sys.stderr)
        return 2
    print(text)
    return 1 if check and not met else 0


def _specs(settings: Settings, directory: Path, write: bool) -> int:
    from mockmate.server.app import create_app
    from mockmate.specs.files import stale

    differ = stale(create_app(settings), directory, write)
    for name in differ:
        print(f"{directory / name}: {'rewritten' if write else 'differs from the code'}")
    return 1 if differ and not write else 0


async def _token(settings: Settings, email: str, admin: bool) -> str:
    async with AsyncExitStack() as stack:
        url = settings.mongodb_url or running_embedded_mongo(settings.data_dir)
        if not url:
            # No server is running on this data dir: open its database ourselves.
            embedded = EmbeddedMongo(settings.data_dir)
            url = await asyncio.to_thread(embedded.start, record=False)
            stack.callback(embedded.stop)
        client = connect(url)
        stack.push_async_callback(client.close)
        db = client[settings.mongodb_db]
        await ensure_indexes(db)
        accounts = Accounts(UserRepository(db), TokenIssuer(jwt_secret(settings),
                                                            settings.jwt_ttl_s))
        user = await accounts.ensure_user(email, admin=admin)
        return accounts.token_for(user)


if __name__ == "__main__":
    sys.exit(main())
