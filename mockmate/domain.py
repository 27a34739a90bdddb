"""Vocabulary shared by every package: interview types, difficulties, question categories.

These literals are part of the client contract, so they live in one place and every
wire model and domain rule imports them from here.
"""

from typing import Literal

InterviewType = Literal["behavioral", "technical", "mixed"]
Difficulty = Literal["junior", "mid", "senior"]
QuestionCategory = Literal["behavioral", "technical", "situational"]

INTERVIEW_TYPES: tuple[InterviewType, ...] = ("behavioral", "technical", "mixed")
DIFFICULTIES: tuple[Difficulty, ...] = ("junior", "mid", "senior")
QUESTION_CATEGORIES: tuple[QuestionCategory, ...] = ("behavioral", "technical", "situational")
