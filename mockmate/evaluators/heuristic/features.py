"""Everything the scoring rules need to know about one answer, extracted in one pass.

`analyse_answer` turns the raw text into `AnswerFeatures`: sentences, word counts, stems,
and every cue (actions, metrics, names, vague wording, reasons, lessons, STAR parts). The
marks and the feedback only ever read these features, never the raw text, except to quote it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from mockmate.evaluators.heuristic.cues import (
    CODE_TERM_RE,
    CONNECTIVES_RE,
    EXAMPLE_MARKER_RE,
    HAND_WAVY_RE,
    OWNERSHIP_RE,
    REASONING_RE,
    REFLECTION_RE,
    SOFT_VAGUE_RE,
    TEXT_FILLER_RE,
    VAGUE_RE,
    Cue,
    find_actions,
    find_cues,
    find_metrics,
    find_named,
)
from mockmate.evaluators.heuristic.star import detect_star
from mockmate.evaluators.heuristic.text import (
    WORD_RE,
    Sentence,
    Term,
    fold,
    join_stems,
    sentence_at,
    split_sentences,
    stem,
    term_in,
)
from mockmate.evaluators.heuristic.vocabulary import CONCRETE_NOUNS, STOPWORDS


@dataclass(frozen=True)
class AnswerFeatures:
    """Everything the scoring rules need to know about one answer's text."""

    text: str
    folded: str
    sentences: tuple[Sentence, ...]
    sentence_starts: tuple[int, ...]
    word_count: int
    stopword_ratio: float
    stems: frozenset[str]  # stems of every word (stop-words included), for vocabulary look-ups
    stem_line: str  # " s1 s2 ... " of every word, for multi-word terms
    sentence_stem_lines: tuple[str, ...]
    content: tuple[str, ...]  # content-word stems, in order
    past_actions: tuple[Cue, ...]
    planned_actions: tuple[Cue, ...]
    metrics: tuple[Cue, ...]
    bare_numbers: int
    named: tuple[str, ...]
    concrete_nouns: int
    vague: tuple[Cue, ...]
    soft_vague: tuple[Cue, ...]
    hand_wavy: tuple[Cue, ...]
    connectives: tuple[Cue, ...]
    reasoning: tuple[Cue, ...]
    reflection: tuple[Cue, ...]
    ownership: tuple[Cue, ...]
    text_fillers: int
    example_markers: int
    code_terms: int
    star: dict[str, int | None]  # STAR part -> index of the sentence showing it

    @property
    def content_set(self) -> frozenset[str]:
        return frozenset(self.content)

    def has(self, term: Term) -> bool:
        return term_in(term, self.stems, self.stem_line)

    def sentence_of(self, offset: int) -> Sentence:
        return self.sentences[sentence_at(self.sentence_starts, offset)]

    def term_hits_per_sentence(self, terms: Sequence[Term]) -> list[int]:
        return [sum(t.key in line for t in terms) for line in self.sentence_stem_lines]

    @property
    def reasons(self) -> list[Cue]:
        """Reasoning cues other than a bare "if" (which only counts as a conditional)."""
        return [c for c in self.reasoning if c.label != "if"]


def analyse_answer(text: str) -> AnswerFeatures:
    """Extract every feature of `text` in a few linear passes."""
    folded = fold(text)
    sentences = split_sentences(text)
    tokens: list[str] = []
    lines: list[list[str]] = []
    for sentence in sentences:  # every word lies inside a sentence
        found = WORD_RE.findall(folded, sentence.start, sentence.end)
        tokens += found
        lines.append([stem(t) for t in found])
    all_stems = [s for line in lines for s in line]
    stop = sum(1 for t in tokens if t in STOPWORDS)
    content = tuple(
        stem(t) for t in tokens if t not in STOPWORDS and not t.isdigit() and len(t) > 1
    )
    past, planned = find_actions(folded)
    metrics, bare = find_metrics(folded)
    vague = find_cues(VAGUE_RE, folded)
    vague_spans = {i for c in vague for i in range(c.start, c.end)}
    soft = [c for c in find_cues(SOFT_VAGUE_RE, folded) if c.start not in vague_spans]
    return AnswerFeatures(
        text=text,
        folded=folded,
        sentences=tuple(sentences),
        sentence_starts=tuple(s.start for s in sentences),
        word_count=len(tokens),
        stopword_ratio=stop / len(tokens) if tokens else 0.0,
        stems=frozenset(all_stems),
        stem_line=join_stems(all_stems),
        sentence_stem_lines=tuple(join_stems(line) for line in lines),
        content=content,
        past_actions=tuple(past),
        planned_actions=tuple(planned),
        metrics=tuple(metrics),
        bare_numbers=bare,
        named=tuple(find_named(text, folded)),
        concrete_nouns=len(CONCRETE_NOUNS.intersection(content)),
        vague=tuple(vague),
        soft_vague=tuple(soft),
        hand_wavy=tuple(find_cues(HAND_WAVY_RE, folded)),
        connectives=tuple(find_cues(CONNECTIVES_RE, folded)),
        reasoning=tuple(find_cues(REASONING_RE, folded)),
        reflection=tuple(find_cues(REFLECTION_RE, folded)),
        ownership=tuple(find_cues(OWNERSHIP_RE, folded)),
        text_fillers=len(TEXT_FILLER_RE.findall(folded)),
        example_markers=len(EXAMPLE_MARKER_RE.findall(folded)),
        code_terms=len(set(CODE_TERM_RE.findall(text))),
        star=detect_star(folded, sentences, past, planned),
    )
