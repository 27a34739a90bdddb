"""The AI providers: Gemini when GEMINI_API_KEY is set (questions, evaluations, follow-ups,
under a daily budget), else the offline heuristic evaluator, bank and template follow-ups."""

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from mockmate.evaluators.base import AnswerEvaluator
from mockmate.evaluators.heuristic import HeuristicEvaluator
from mockmate.follow_ups.rules import FollowUpWriter, TemplateFollowUps
from mockmate.providers.budget import LlmBudget, RedisEvaluationCache
from mockmate.providers.gemini import GEMINI, make_gemini_client
from mockmate.providers.gemini_documents import GeminiDocumentReader
from mockmate.providers.gemini_evaluator import GeminiEvaluator
from mockmate.providers.gemini_follow_ups import GeminiFollowUpWriter
from mockmate.providers.gemini_questions import GeminiQuestionGenerator
from mockmate.providers.resilience import make_guard
from mockmate.questions.bank import load_bank
from mockmate.questions.models import QuestionGenerator
from mockmate.server.wiring.core import CORE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AiProviders:
    evaluator: AnswerEvaluator
    # What answers are evaluated with when the budget is spent or the provider is down.
    offline: HeuristicEvaluator
    generator: QuestionGenerator | None
    follow_up_writer: FollowUpWriter
    budget: LlmBudget | None
    # Reads resumes and job descriptions better than the offline readers (None: offline).
    documents: GeminiDocumentReader | None = None


AI = web.AppKey("ai", AiProviders)


async def ai_context(app: web.Application) -> AsyncIterator[None]:
    core = app[CORE]
    settings = core.settings
    offline = HeuristicEvaluator()
    if not settings.gemini_api_key:
        app[AI] = AiProviders(evaluator=offline, offline=offline, generator=None,
                              follow_up_writer=TemplateFollowUps(), budget=None)
        yield
        return
    budget = LlmBudget(core.redis, prefix=settings.redis_prefix,
                       daily_limit=settings.llm_daily_limit)
    gemini = make_gemini_client(settings.gemini_api_key, settings.gemini_base_url)
    try:
        guard = make_guard(GEMINI, core.provider_metrics)
        app[AI] = AiProviders(
            evaluator=GeminiEvaluator(
                gemini, guard, fallback=offline,
                cache=RedisEvaluationCache(core.redis, prefix=settings.redis_prefix),
                model=settings.gemini_model,
            ),
            offline=offline,
            generator=GeminiQuestionGenerator(
                gemini, guard, bank=load_bank(), model=settings.gemini_model
            ),
            follow_up_writer=GeminiFollowUpWriter(
                gemini, guard, budget=budget, model=settings.gemini_model
            ),
            budget=budget,
            documents=GeminiDocumentReader(gemini, guard, model=settings.gemini_model),
        )
        log.info("Gemini (%s) writes questions, evaluates answers and reads documents",
                 settings.gemini_model)
        yield
    finally:
        await gemini.aio.aclose()
