"""The spec documents as the text that is served and checked in (`docs/*.json`)."""

import json
from pathlib import Path
from typing import Any

from aiohttp import web

from mockmate.specs.asyncapi import build_asyncapi
from mockmate.specs.openapi import build_openapi

ASYNCAPI = "asyncapi.json"
OPENAPI = "openapi.json"


def as_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render(app: web.Application) -> dict[str, str]:
    """Each document's file name and text, for an app with every route mounted."""
    return {ASYNCAPI: as_text(build_asyncapi()), OPENAPI: as_text(build_openapi(app))}


def stale(app: web.Application, directory: Path, write: bool) -> list[str]:
    """The files in `directory` that differ from what the code generates (rewritten when
    `write`)."""
    differ = []
    for name, text in render(app).items():
        path = directory / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            differ.append(name)
            if write:
                path.write_text(text, encoding="utf-8")
    return differ
