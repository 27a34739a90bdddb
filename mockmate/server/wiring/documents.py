"""A candidate's documents: uploaded resumes (read when an interview is planned) and the
links that share an interview's results."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from mockmate.resumes.service import Resumes
from mockmate.server.wiring.ai import AI
from mockmate.server.wiring.core import CORE
from mockmate.sharing.links import ShareLinks


@dataclass(frozen=True)
class Documents:
    resumes: Resumes
    shares: ShareLinks


DOCUMENTS = web.AppKey("documents", Documents)


async def documents_context(app: web.Application) -> AsyncIterator[None]:
    core = app[CORE]
    settings = core.settings
    reader = app[AI].documents
    resumes = Resumes(core.db, max_bytes=settings.max_resume_bytes,
                      max_per_user=settings.max_resumes_per_user,
                      parser=reader.parse_resume if reader is not None else None)
    await resumes.ensure_indexes()
    shares = ShareLinks(core.db, public_url=settings.public_url)
    await shares.ensure_indexes()
    app[DOCUMENTS] = Documents(resumes=resumes, shares=shares)
    yield
