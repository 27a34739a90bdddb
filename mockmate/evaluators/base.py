"""The evaluator interface: whatever judges an answer (heuristics offline, an LLM in the cloud)."""

from typing import Protocol

from mockmate.evaluators.models import Evaluation, EvaluationContext


class AnswerEvaluator(Protocol):
    async def evaluate(self, ctx: EvaluationContext) -> Evaluation: ...
