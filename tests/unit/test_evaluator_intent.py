"""Relevance judged on what was asked: a prepared story of another kind is recognised by the
story its opening announces, and a genuine answer covers the question's words in its own."""

import pytest

from mockmate.evaluators.heuristic import evaluate_heuristically
from mockmate.evaluators.heuristic.features import analyse_answer
from mockmate.evaluators.heuristic.intent import announced_frame, another_story, intents_of
from mockmate.evaluators.heuristic.marks import relevance
from mockmate.evaluators.heuristic.question import analyse_question
from mockmate.evaluators.heuristic.substance import analyse_substance
from mockmate.evaluators.heuristic.text import stem
from mockmate.evaluators.models import EvaluationContext
from mockmate.questions.models import Question

VULNERABILITY = Question(
    id="t:vuln",
    text="Tell me about a time you found a security vulnerability. How did you handle it?",
    category="behavioral", difficulty="mid", skills=("security",),
)
BAD_NEWS = Question(
    id="t:news",
    text="Describe a time you had to deliver bad news about a delayed project to leadership.",
    category="behavioral", difficulty="mid", skills=("communication",),
)


@pytest.mark.parametrize(
    ("opening", "intents"),
    [
        ("The project I'm proudest of is the migration of our login system.", {"achievement"}),
        ("My biggest failure was a launch of a referral program that I rushed.", {"failure"}),
        ("A conflict I had was with a backend engineer who kept changing the API.", {"conflict"}),
        ("The hardest technical problem I solved was making training faster.", {"challenge"}),
        ("So, the time I learned something quickly was when I picked up TypeScript.",
         {"learning"}),
        ("Last year, while reviewing a pull request, I noticed a missing check.", None),
        ("My best guess is that the index is missing.", None),
    ],
)
def test_the_story_an_opening_announces(opening: str, intents: set[str] | None) -> None:
    frame = announced_frame(opening)
    assert (frame.intents if frame else None) == (frozenset(intents) if intents else None)


def test_a_story_of_the_kind_asked_for_is_not_another_story() -> None:
    asked = intents_of("tell me about a time you made a mistake at work.")
    assert asked == {"failure"}
    assert another_story(asked, "My biggest mistake was running a migration on a Friday.") is None
    assert another_story(asked, "A project I'm proud of is the caching layer.") is not None


def test_a_prepared_story_about_something_else_loses_relevance_and_examples() -> None:
    other = ("The project I'm proudest of is the migration of our login system to single "
             "sign-on. We had five internal tools each with its own passwords, and support "
             "spent about ten hours a week on security resets. I set up Okta with SAML for all "
             "five and password reset tickets dropped by 80%.")
    genuine = ("At my last job I found that one of our APIs let users see other users' data if "
               "they changed an ID in the request. I told my manager and we fixed it quickly by "
               "adding a check on the server. After that we checked permissions in new endpoints.")
    scored = {
        name: evaluate_heuristically(EvaluationContext(question=VULNERABILITY, answer_text=text))
        for name, text in (("other", other), ("genuine", genuine))
    }
    assert scored["other"].rubric.relevance < 3
    assert scored["other"].rubric.examples <= 3
    assert scored["other"].score < scored["genuine"].score
    assert scored["other"].confidence == "low"
    assert scored["other"].criteria_reasons["relevance"].endswith(
        "it announces another story (\"The project I'm proudest of is the migration of our "
        "login system to single sign-on\") than the one the question asks for."
    )


def test_a_genuine_answer_covers_the_question_in_its_own_words() -> None:
    answer = ("We were going to miss a launch date by a month because of technical problems. "
              "I told my director as soon as I knew and gave a new plan with a new date.")
    raw, matched, _ = relevance(analyse_answer(answer), analyse_question(BAD_NEWS))
    assert {"delayed", "leadership"} <= set(matched)  # "miss", "director"
    assert raw > 0.5


def test_a_phrasal_verb_is_not_its_verb() -> None:
    asked = analyse_question(Question(
        id="t:dec", text="How do you make a technical decision with your team?",
        category="behavioral", difficulty="mid",
    ))
    chose = analyse_answer("I picked the option with the lowest risk and wrote down why.")
    learned = analyse_answer("I pick up new tools very quickly in my free time.")
    assert "decision" in asked.covered(chose.content_set, chose.stem_line)
    assert "decision" not in asked.covered(learned.content_set, learned.stem_line)


def test_terse_clauses_count_as_substance_but_sweeping_ones_do_not() -> None:
    question = analyse_question(Question(
        id="t:net", text="How would you make a mobile app work well on a slow network?",
        category="technical", difficulty="mid", skills=("caching",),
    ))
    dense = analyse_answer(
        "Offline-first: screens read a local database the network only syncs; "
        "short timeouts, paginated and compressed responses."
    )
    sweeping = analyse_answer(
        "Offline-first: screens always read every local database immediately; "
        "all timeouts, any compressed responses."
    )
    assert analyse_substance(dense, question, True).points > analyse_substance(
        sweeping, question, True
    ).points


def test_british_doubled_l_stems_like_the_base_word() -> None:
    assert {stem(w) for w in ("cancel", "cancelled", "cancelling")} == {"cancel"}
    assert stem("modelling") == stem("model")
    assert stem("installed") == stem("install") and stem("telling") == "tell"
