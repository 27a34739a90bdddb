"""Issue 12 across two real `mockmate serve` processes: a client dropped at every point of a
3-question spoken interview reconnects to the OTHER process and ends with exactly the events,
in order, of a client that never dropped, compared as `(event, event_seq, payload)` lists;
with `last_event_seq`, and without it (the server continues from the acknowledged position of
the dropped socket: nothing lost, in order, but an event whose ack was in flight at the drop
may come twice; `assert_same_events`). Then the same with the serving process SIGKILLed
instead of a clean drop.

The reference client is a second socket of the same user that stays connected all along.
Between a drop and the reconnect the test waits until the reference has seen the events the
gap is about, so that they are produced while the dropped client is away.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from tests.integration.test_event_log import assert_same_events
from tests.support.client import register
from tests.support.recorder import Recorder, Seen, is_event
from tests.support.server import ServerProcess

Spawn = Callable[..., ServerProcess]
ANSWER = "I fixed a slow query with an index and the page got twice as fast."
# Short questions: about a second of speech each (a few 250 ms chunks).
QUESTIONS = [{"text": "Why Python?"}, {"text": "Name one bug you fixed."},
             {"text": "What did you learn?"}]
START = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "questions": QUESTIONS, "speak": True, "adaptive": False,
         "audio_format": "pcm_16000"}
# Crash recovery within seconds (only the SIGKILL test relies on it; a shorter takeover would
# let a live but starved process's question be taken over on this shared machine).
QUICK = {"MOCKMATE_JOB_CLAIM_IDLE_S": "2", "MOCKMATE_HOOK_LEASE_S": "1",
         "MOCKMATE_PRESENCE_TTL_S": "2"}


def state(sid: str, name: str) -> Callable[[Seen], bool]:
    return is_event("interview:state", session_id=sid, state=name)


class Interview:
    """One user with a steady reference socket on `home` and a dropping one that alternates
    between the processes."""

    def __init__(self, steady: Recorder, dropping: Recorder, sid: str, tracks_seq: bool):
        self.steady = steady
        self.dropping = dropping
        self.sid = sid
        self.tracks_seq = tracks_seq
        self.resumes: list[dict[str, Any]] = []

    async def answer(self, client: Recorder, index: int) -> None:
        await client.wait_for(state(self.sid, "awaiting_answer"), count=index + 1)
        ack = await client.call("answer:submit",
                                {"session_id": self.sid, "index": index, "text": ANSWER})
        assert ack["ok"], ack

    async def reconnect(self, url: str, missed: Callable[[Seen], bool]) -> None:
        """Once the reference has seen `missed` (sent while this client was away), reconnect
        to `url` and resume."""
        await self.steady.wait_for(missed)
        await self.dropping.connect(url)
        resume: dict[str, Any] = {"session_id": self.sid}
        if self.tracks_seq:
            resume["last_event_seq"] = self.dropping.last_seq
        ack = await self.dropping.call("interview:resume", resume)
        assert ack["ok"] and ack["replayed"] is True, ack
        self.resumes.append(ack)

    async def same_events(self) -> None:
        await self.steady.wait_for(is_event("interview:complete", session_id=self.sid))
        await self.dropping.wait_for(is_event("interview:complete", session_id=self.sid))
        last = self.steady.last_seq
        await self.dropping.wait_for(lambda s: (s[1] or 0) >= last)
        assert_same_events(self.dropping.numbered(self.sid), self.steady.numbered(self.sid),
                           exact=self.tracks_seq)
        assert [s for _, s, _ in self.steady.numbered(self.sid)] == list(range(1, last + 1))


async def drop_at_every_point(a: ServerProcess, b: ServerProcess, tracks_seq: bool) -> None:
    token = await register(a.url, f"drops-{tracks_seq}@example.com")
    steady = await Recorder(b.url, token).connect()
    dropping = await Recorder(a.url, token).connect()
    sid = (await dropping.call("interview:start", START))["session_id"]
    run = Interview(steady, dropping, sid, tracks_seq)
    audio = is_event("interview:audio", session_id=sid, index=1)
    await run.answer(steady, 0)
    # 1. Before question 1: dropped as it is being asked, back once it was.
    await dropping.wait_for(state(sid, "asking"), count=2)
    await dropping.drop()
    await run.reconnect(b.url, is_event("interview:question", session_id=sid, index=1))
    # 2. In the middle of its audio (the rest is completed from the log).
    await dropping.wait_for(lambda s: audio(s) and s[2]["seq"] == 1)
    await dropping.drop()
    await run.reconnect(a.url, lambda s: audio(s) and s[2]["final"])
    # 3. After answer:submit, before the transcript.
    await run.answer(dropping, 1)
    await dropping.drop()
    await run.reconnect(b.url, is_event("answer:transcript", session_id=sid, index=1))
    # 4. Before the evaluation.
    await dropping.wait_for(is_event("answer:transcript", session_id=sid, index=1))
    await dropping.drop()
    await run.reconnect(a.url, is_event("answer:evaluation", session_id=sid, index=1))
    # 5. Before interview:complete.
    await run.answer(dropping, 2)
    await dropping.wait_for(state(sid, "completed"))
    await dropping.drop()
    await run.reconnect(b.url, is_event("interview:complete", session_id=sid))
    await run.same_events()
    assert sum(ack["replayed_events"] for ack in run.resumes) > 5
    await steady.close()
    await dropping.close()


async def test_clean_drops_at_every_point_reconnecting_to_the_other_process(
    spawn: Spawn,
) -> None:
    a, b = spawn("a", **QUICK), spawn("b", **QUICK)
    await asyncio.gather(a.ready(), b.ready())
    for tracks_seq in (True, False):
        await drop_at_every_point(a, b, tracks_seq)


async def test_the_serving_process_sigkilled_mid_audio_and_after_a_submit(
    spawn: Spawn,
) -> None:
    """Process `a` serves the dropping client and asks question 0 (paced audio); it is
    SIGKILLed in the middle of that audio. `b` takes the asking over and completes the audio
    from the next chunk (the log says how far it got); the client resumes on `b`. Then, on a
    fresh process `c`, the same after an answer:submit."""
    paced = {**QUICK, "MOCKMATE_TTS_LEAD_S": "0", "MOCKMATE_TAKEOVER_S": "3"}
    a, b = spawn("a", **paced), spawn("b", **paced)
    await asyncio.gather(a.ready(), b.ready())
    token = await register(b.url, "killed@example.com")
    steady = await Recorder(b.url, token).connect()
    dropping = await Recorder(a.url, token).connect()
    sid = (await dropping.call("interview:start", START))["session_id"]
    run = Interview(steady, dropping, sid, tracks_seq=True)
    audio0 = is_event("interview:audio", session_id=sid, index=0)
    await dropping.wait_for(lambda s: audio0(s) and s[2]["seq"] == 1)
    a.kill()
    await dropping.abandon()
    await run.reconnect(b.url, lambda s: audio0(s) and s[2]["final"])
    chunks = [p["seq"] for e, _, p in dropping.seen if audio0((e, None, p))]
    assert chunks == list(range(len(chunks))) and len(chunks) > 2, "one whole question"
    # The next drop: a submit on a process that dies right after acknowledging it.
    c = await spawn("c", **paced).ready()
    await dropping.drop()
    await dropping.connect(c.url)
    await dropping.call("interview:resume",
                        {"session_id": sid, "last_event_seq": dropping.last_seq})
    await run.answer(dropping, 0)
    c.kill()
    await dropping.abandon()
    await run.reconnect(b.url, is_event("answer:transcript", session_id=sid, index=0))
    await run.answer(steady, 1)
    await run.answer(steady, 2)
    await run.same_events()
    await steady.close()
    await dropping.close()
