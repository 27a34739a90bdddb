"""Builds the candidate's skills, practice and bookmark services at start-up and plugs the
skills hook into the evaluation pipeline; `runtime.py` calls `open_candidate_features`."""

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.config import Settings
from mockmate.evaluators.hooks import HookRegistry
from mockmate.skills.service import SkillService
from mockmate.skills.store import SkillRecords
from mockmate.storage.database import Document


@dataclass(frozen=True)
class CandidateFeatures:
    skills: SkillService


async def open_candidate_features(
    settings: Settings, *, db: AsyncDatabase[Document], hooks: HookRegistry,
) -> CandidateFeatures:
    skills = SkillService(SkillRecords(db), keep=settings.skill_history_max)
    hooks.on_answer_evaluated("skills", skills.answer_evaluated)
    return CandidateFeatures(skills=skills)
