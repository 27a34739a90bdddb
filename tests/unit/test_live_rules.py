"""The pure rules of live transcription: where a streamed answer is cut, how segments make the
answer's transcript, and the caption budget that drops (never queues) captions when busy."""

from mockmate.interviews.live_rules import (
    BYTES_PER_S,
    CONTEXT_S,
    END_GAP_S,
    LOOK_BACK_S,
    MAX_SEGMENT_S,
    MIN_GAP_S,
    CaptionBudget,
    Segment,
    chunk_at,
    covers,
    digest,
    joined,
    look_from,
    next_cut,
    open_window,
    relooked,
    same_recording,
    shifted,
)
from mockmate.speech.base import Transcript, Word


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_short_stretch_stays_open_after_a_pause_between_sentences() -> None:
    # 5 s of speech then a short pause: too short to be worth a Whisper call of its own yet.
    assert next_cut([(0.2, 5.0)], 5.5) is None
    assert next_cut([(0.2, 3.0), (3.4, 5.0)], 5.2) is None


def test_a_short_stretch_closes_once_the_candidate_has_stopped() -> None:
    # ... but once the silence after it is long, they have stopped (or are thinking):
    # transcribe it now, before the submit.
    cut = next_cut([(0.2, 5.0)], 5.0 + END_GAP_S)
    assert cut is not None and 5.0 < cut < 5.0 + END_GAP_S


def test_a_long_enough_stretch_closes_in_the_pause_after_it() -> None:
    cut = next_cut([(0.2, 4.0), (4.3, 9.0)], 10.0)
    assert cut is not None and 9.0 < cut <= 9.5


def test_the_latest_pause_past_the_minimum_is_chosen() -> None:
    cut = next_cut([(0.0, 8.5), (9.5, 14.0), (15.0, 16.0)], 16.2)
    assert cut is not None and 14.0 < cut < 15.0


def test_speech_still_going_on_at_the_end_is_never_cut_inside_a_word() -> None:
    # No pause at all after 8 s: wait for one (the speech ends at the window's end).
    assert next_cut([(0.0, 12.0)], 12.0) is None


def test_a_long_enough_stretch_closes_in_any_pause_the_speech_went_on_after() -> None:
    # A 0.15 s breath between phrases, after 8 s: closed there, not left for the submit.
    cut = next_cut([(0.0, 9.0), (9.15, 11.0)], 11.0)
    assert cut is not None and 9.0 < cut < 9.15


def test_a_short_silence_still_going_on_is_not_a_pause_yet() -> None:
    # 0.2 s after the last word: the word may go on (or the speaker); wait for MIN_GAP_S.
    assert next_cut([(0.0, 9.0)], 9.2) is None
    cut = next_cut([(0.0, 9.0)], 9.0 + MIN_GAP_S)
    assert cut is not None and 9.0 < cut <= 9.0 + MIN_GAP_S


def test_speech_with_no_pause_after_the_minimum_is_cut_in_its_longest_earlier_one() -> None:
    spans = [(0.0, 3.0), (3.2, 6.0), (6.5, 26.0)]
    cut = next_cut(spans, 26.0)
    assert cut is not None and 6.0 < cut < 6.5


def test_speech_without_any_pause_is_cut_at_the_limit() -> None:
    assert next_cut([(0.0, 27.0)], 27.0) == MAX_SEGMENT_S


def test_silence_alone_is_cut_only_once_long() -> None:
    assert next_cut([], 10.0) is None
    cut = next_cut([], MAX_SEGMENT_S + 1)
    assert cut is not None and cut < MAX_SEGMENT_S + 1


def seg(start_s: float, end_s: float, text: str, words: tuple[Word, ...] = ()) -> Segment:
    return Segment(int(start_s * BYTES_PER_S), int(end_s * BYTES_PER_S), text, 0.9, words)


def test_segments_must_follow_each_other_from_the_start() -> None:
    assert covers([seg(0, 9, "a"), seg(9, 20, "b")], int(20 * BYTES_PER_S))
    assert not covers([seg(0, 9, "a"), seg(10, 20, "b")], int(20 * BYTES_PER_S))
    assert not covers([seg(1, 9, "a")], int(20 * BYTES_PER_S))
    assert not covers([seg(0, 9, "a")], int(8 * BYTES_PER_S))  # another, shorter recording


def test_word_times_count_from_the_answers_start() -> None:
    said = Transcript("Hello there.", 0.8, 2.0, (Word("Hello", 0.1, 0.5), Word("there.", 0.6, 1.0)))
    segment = shifted(said, int(9.0 * BYTES_PER_S), int(11.0 * BYTES_PER_S))
    assert [(w.start_s, w.end_s) for w in segment.words] == [(9.1, 9.5), (9.6, 10.0)]


def test_the_answer_is_its_segments_in_order_and_silence_adds_nothing() -> None:
    first = seg(0, 9, "We added an index.", (Word("We", 0.2, 0.4),))
    quiet = Segment(first.end_b, int(20 * BYTES_PER_S), "", 0.0)
    last = seg(20, 30, "It was fast.", (Word("It", 20.1, 20.3),))
    result = joined([first, quiet, last], 30.0)
    assert result.text == "We added an index. It was fast."
    assert [w.text for w in result.words] == ["We", "It"]
    assert result.confidence == 0.9 and result.duration_s == 30.0


def test_a_caption_is_made_while_the_budget_lasts_then_dropped_until_it_refills() -> None:
    clock = Clock()
    budget = CaptionBudget(0.25, 1.0, max_running=2, clock=clock)
    assert budget.try_start()
    budget.finished(1.5)  # a caption that cost more than was saved up
    assert not budget.try_start()  # dropped: nothing waits for the refill
    clock.now += 1.0
    assert not budget.try_start()  # 0.25 s back of the 0.5 s overdrawn
    clock.now += 1.1
    assert budget.try_start()


def test_captions_beyond_the_running_limit_are_dropped() -> None:
    clock = Clock()
    budget = CaptionBudget(1.0, 5.0, max_running=1, clock=clock)
    assert budget.try_start()
    assert not budget.try_start()  # one is running: a second is not queued behind it
    budget.finished(0.2)
    assert budget.try_start()


def test_savings_are_capped_so_an_idle_hour_does_not_buy_a_burst() -> None:
    clock = Clock()
    budget = CaptionBudget(0.5, 1.0, max_running=10, clock=clock)
    clock.now += 3600
    assert budget.try_start()
    budget.finished(1.2)  # the cap (1 s), not an hour's worth, was there to spend
    assert not budget.try_start()


def test_a_zero_share_means_no_captions() -> None:
    assert not CaptionBudget(0.0, 1.0, max_running=1, clock=Clock()).try_start()


def test_segments_belong_to_the_recording_that_starts_like_their_first_chunk() -> None:
    recording = bytes(range(256)) * 40
    for first_chunk in (recording[:8000], recording[:3200]):  # 250 ms or 100 ms chunks
        assert same_recording(digest(first_chunk), recording)
    assert not same_recording(digest(recording[:8000]), b"\x01" + recording[1:])
    assert not same_recording("", recording)


def test_a_look_decides_the_end_of_what_was_heard_again_after_some_context() -> None:
    assert look_from(10.0) == (10.0 - LOOK_BACK_S, 10.0 - LOOK_BACK_S - CONTEXT_S)
    # Near the start, from the start: nothing heard yet means the whole window.
    assert look_from(0.0) == (0.0, 0.0)
    assert look_from(LOOK_BACK_S + 0.25) == (0.25, 0.0)


def test_spans_before_the_look_stay_and_those_found_in_its_context_are_not_used() -> None:
    # Heard 10 s: speech 2-4 s and 8.6-9.2 s. The look runs from 8.75 s (context) and
    # decides from 9.5 s: its own view of the context (8.75-9.5 s) is not used.
    spans = [(2.0, 4.0), (8.6, 9.2)]
    from_s, context_s = look_from(10.0)
    assert relooked(spans, from_s, [(0.0, 0.3), (1.0, 1.6)], context_s) == [
        (2.0, 4.0), (8.6, 9.2), (9.75, 10.35)]


def test_speech_going_on_across_the_look_point_stays_one_span() -> None:
    # The speech from 8.6 s was still going on at 10 s, and the look finds it going on.
    spans = [(2.0, 4.0), (8.6, 10.0)]
    from_s, context_s = look_from(10.0)
    assert relooked(spans, from_s, [(0.0, 2.0)], context_s) == [(2.0, 4.0), (8.6, 10.75)]
    # ... or ending just after the look point: still one span, ending there.
    assert relooked(spans, from_s, [(0.0, 0.8)], context_s) == [(2.0, 4.0), (8.6, 9.55)]
    # A span the look no longer finds is cut at the look point, not kept whole.
    assert relooked(spans, from_s, [], context_s) == [(2.0, 4.0), (8.6, from_s)]


def test_the_first_look_takes_what_it_finds() -> None:
    assert relooked([], 0.0, [(0.5, 1.0)], 0.0) == [(0.5, 1.0)]


def test_the_chunk_holding_a_byte_is_found_among_those_known() -> None:
    lengths = [3200, 3200, 1600]  # from byte 6400 on
    assert chunk_at(lengths, 6400, 6400) == (0, 6400)
    assert chunk_at(lengths, 6400, 9599) == (0, 6400)
    assert chunk_at(lengths, 6400, 9600) == (1, 9600)
    assert chunk_at(lengths, 6400, 14399) == (2, 12800)
    # Past the known chunks: read on from the first unknown one.
    assert chunk_at(lengths, 6400, 14400) == (3, 14400)
    assert chunk_at([], 0, 0) == (0, 0)


def test_the_open_window_is_read_whole_or_not_at_all() -> None:
    # Chunks of 4 bytes from byte 8 on; the window starts at byte 10 and holds 6 bytes.
    chunks = [b"abcd", b"efgh", b"ijkl"]
    assert open_window(chunks, 10, 8, 6) == b"cdefgh"
    assert open_window(chunks, 10, 8, 10) == b"cdefghijkl"
    # Submitted while a stretch was being cut: the chunks are cleared (or only some are
    # left), and nothing is taken for silence.
    assert open_window([], 10, 8, 6) is None
    assert open_window([b"abcd"], 10, 8, 6) is None


def test_a_segment_reads_back_as_it_was_stored() -> None:
    stored = seg(8.0, 16.5, "and the page loaded", (Word("and", 8.1, 8.3), Word("page", 8.4, 8.9)))
    assert Segment.from_json(stored.to_json()) == stored
    assert Segment.from_json(stored.to_json().encode()) == stored  # as redis-py returns it
