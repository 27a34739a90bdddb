"""The hands-free nudge through the real server: with `hints: true`, a long silence in the
middle of a streamed answer brings one `answer:hint` (asking for what the answer lacks) and
does not end the answer; without it, no hint."""

import pytest

from tests.integration.test_hands_free import (  # `server`: the same fixture
    FIRST,
    SECOND,
    audio,
    hands_free,
    server,
    stream,
)

pytestmark = pytest.mark.timeout(300)
__all__ = ["server"]


async def test_a_long_silence_mid_answer_brings_one_hint_and_does_not_end_it(
    server: str,
) -> None:
    client, sid = await hands_free(server, hints=True, end_of_turn_silence_s=4.0)
    # 3 s of silence is 75 % of the 4 s allowance: a nudge, not the end of the answer.
    taken = await stream(client, sid, await audio(FIRST, 3.0, SECOND, 5.0))
    hint = await client.expect("answer:hint", session_id=sid, index=0, timeout=120)
    first = (await audio(FIRST)).duration_s
    assert hint["missing"] == "situation" and "situation" in hint["text"]
    assert first - 0.5 <= hint["at_s"] <= first + 0.5
    await client.expect("answer:turn_ended", session_id=sid, index=0, timeout=60)
    assert taken * 0.25 > (await audio(FIRST, 3.0, SECOND)).duration_s
    transcript = await client.expect("answer:transcript", session_id=sid, index=0, timeout=120)
    assert "checkout" in transcript["text"].lower()  # the answer went on after the pause
    assert client.pending("answer:hint") == []  # one hint per answer
    await client.close()

    quiet, sid = await hands_free(server, end_of_turn_silence_s=4.0)
    await stream(quiet, sid, await audio(FIRST, 3.0, SECOND, 5.0))
    await quiet.expect("answer:transcript", session_id=sid, index=0, timeout=120)
    await quiet.expect("interview:question", session_id=sid, index=1, timeout=60)
    assert quiet.pending("answer:hint") == []
    await quiet.close()
