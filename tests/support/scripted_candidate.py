"""A scripted candidate who answers any question at a chosen quality level.

The simulated-interview test needs answers to whichever questions the server picks, so the
script builds each answer from the question's own words: a strong answer is on topic, with
a situation, the candidate's own steps, numbers, a reason and a result; an average one names
the right steps with no numbers; a weak one is one vague line; an empty one says nothing; an
off-topic one is a polished story about something else.
"""

import re
from typing import Any, Literal

Level = Literal["strong", "average", "weak", "empty", "off_topic"]
LEVELS: tuple[Level, ...] = ("strong", "average", "weak", "empty", "off_topic")

_SKIP_TEXT = (
    "about after again before being could describe example explain should their there these "
    "those through tell time what when where which while would your yourself have with that "
    "this from into them they then were make made give walk"
)
_SKIP = frozenset(_SKIP_TEXT.split())


def keywords(question_text: str) -> list[str]:
    """Three content words of the question, to keep an answer on its topic."""
    found: list[str] = []
    for word in re.findall(r"[a-z][a-z-]{4,}", question_text.lower()):
        if word not in _SKIP and word not in found:
            found.append(word)
    return [*found, "problem", "system", "team"][:3]


def answer(question: dict[str, Any], level: Level) -> str:
    k1, k2, k3 = keywords(question["text"])
    story = question["category"] == "behavioral"
    if level == "strong" and story:
        return (
            f"Last year at my previous company our {k1} work was three weeks behind, and the "
            f"{k2} problem was hurting about 2,000 customers a day. I was responsible for the "
            f"{k3} part, so it was my job to fix it before the quarterly release. First I met "
            "each engineer to understand the blockers, then I proposed splitting the work into "
            "two-day tasks and I paired with the newest engineer on the riskiest part. As a "
            "result we shipped on time and support tickets dropped by 35% within a month. I "
            "learned to surface risks in the first week, and since then I write them down at "
            "kickoff."
        )
    if level == "strong":
        return (
            f"First I would measure where the time goes in the {k1}: in a similar case at my "
            f"last job the {k2} step took 1.8 seconds at p95 for 40,000 users a day. I would "
            f"change the {k2} path so the expensive work runs once and the result is reused, "
            "which in that case cut p95 latency from 1.8 seconds to 200 ms. The trade-off is "
            "extra memory and some staleness, so I would set a 60-second expiry because the "
            f"data changes slowly. If load grew tenfold I would partition the {k3} by customer, "
            "because a single hot partition would otherwise become the bottleneck."
        )
    if level == "average":
        return (
            f"I would look at the {k1} and the {k2} and try to improve them. I would talk to "
            f"the team, decide on a plan together and then check the {k3} afterwards to see "
            "whether it worked better than before."
        )
    if level == "weak":
        return f"I would just handle the {k1} somehow and make it work."
    if level == "empty":
        return "Um, I'm not sure."
    return (
        "In my free time I like hiking and photography, and last summer I walked 300 "
        "kilometres of the Camino de Santiago with two friends. I planned the route, booked "
        "every hostel and we finished in 14 days. It taught me to pack light."
    )
