"""The interview scenarios: what one scripted candidate does, per `--scenario`.

- `text`: typed 60-120 word answers, `--think-ms` after each question.
- `voice`: listens to each question's audio up to its final chunk, then answers out loud with
  the Piper recording (`speech.py`), `--voice-answer whole` (one `answer:submit` carrying the
  audio) or `stream` (`answer:chunk`s paced in real time, then `answer:submit`).
- `stream`: the streaming path under load: a one-question interview without question audio,
  whose answer is `--answer-s` seconds of speech streamed in real time as `--chunk-ms` chunks,
  each awaiting its ack; then `interview:end` (or `answer:submit` with `--stream-submit`,
  which adds transcription to the load).

Every candidate repeats its scenario until `--duration-s` has passed (at least once).
"""

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Any

from mockmate.loadtest.client import Failure, SocketClient, answer_text
from mockmate.loadtest.stats import COMPLETE, EVALUATION, FIRST_AUDIO, TRANSCRIPT, Results

PCM_BYTES_PER_S = 16000 * 2


@dataclass(frozen=True)
class InterviewOptions:
    scenario: str  # text | voice | stream
    questions: int = 2
    think_ms: float = 200.0
    timeout_s: float = 60.0
    transport: str = "websocket"
    follow_ups: bool = False
    speak: bool = False  # text: ask for question audio too
    voice_answer: str = "stream"  # voice: whole | stream
    chunk_ms: float = 250.0
    answer_s: float = 10.0  # stream: seconds streamed per answer
    stream_submit: bool = False
    live_captions: bool = False  # voice: ask for `answer:partial` captions while speaking


class InterviewCandidate:
    def __init__(self, n: int, url: str, token: str, opts: InterviewOptions, res: Results,
                 pcm: bytes = b""):
        self.n, self.opts, self.res, self.pcm = n, opts, res, pcm
        self.rng = random.Random(n)
        self.client = SocketClient(url, token, res, timeout_s=opts.timeout_s,
                                   transport=opts.transport)
        self.audio_first: dict[tuple[str, int], float] = {}
        self.audio_final: dict[tuple[str, int], asyncio.Event] = {}
        self.client.sio.on("interview:audio", self._on_audio)
        self.client.sio.on("answer:partial", self._on_partial)

    async def run(self, until: float) -> None:
        """Connect, then take interviews until the loop's clock passes `until`."""
        await self.client.connect()
        loop = asyncio.get_running_loop()
        try:
            while True:
                await (self.stream_once() if self.opts.scenario == "stream"
                       else self.interview())
                self.res.units += 1
                if loop.time() >= until:
                    return
        finally:
            await self.client.close()

    def _final(self, session_id: str, index: int) -> asyncio.Event:
        return self.audio_final.setdefault((session_id, index), asyncio.Event())

    async def _on_audio(self, data: Any) -> None:
        now = time.perf_counter()
        if not isinstance(data, dict):
            return
        key = (str(data.get("session_id")), int(data.get("index", -1)))
        self.audio_first.setdefault(key, now)
        if data.get("final"):
            self._final(*key).set()

    async def _on_partial(self, data: Any) -> None:
        """Captions are counted (`outcomes`), never awaited: the server may drop any."""
        self.res.outcomes["answer:partial"] += 1

    async def _start(self, questions: int, audio: bool) -> tuple[str, int]:
        ack = await self.client.call("interview:start", {
            "role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
            "question_count": questions, "adaptive": self.opts.follow_ups,
            "speak": audio, **({"audio_format": "pcm_16000"} if audio else {}),
            **({"live_captions": True} if self.opts.live_captions else {})})
        return str(ack["session_id"]), int(ack.get("total_questions", questions))

    async def _listen(self, session_id: str, index: int, asked_at: float) -> None:
        """Wait for the question's final audio chunk; a missing one is counted, not fatal."""
        key = (session_id, index)
        try:
            await asyncio.wait_for(self._final(session_id, index).wait(), self.opts.timeout_s)
        except TimeoutError:
            self.res.errors["missing:interview:audio:final"] += 1
        if key in self.audio_first:
            self.res.intervals[FIRST_AUDIO].append((self.audio_first[key] - asked_at) * 1000)

    async def interview(self) -> None:
        voice = self.opts.scenario == "voice"
        audio = voice or self.opts.speak
        session_id, total = await self._start(self.opts.questions, audio)
        sent: dict[str, float] = {}  # answer id -> when its submit was sent
        index = 0
        while index < total:
            asked_at, question = await self.client.expect(
                "interview:question", session_id=session_id, index=index)
            total = int(question.get("total", total))  # a follow-up makes it grow
            if audio:
                await self._listen(session_id, index, asked_at)
            await asyncio.sleep(self.opts.think_ms / 1000)
            if voice and self.opts.voice_answer == "stream":
                await self._speak(session_id, index, self.pcm, self.opts.chunk_ms)
            submit: dict[str, Any] = {"session_id": session_id, "index": index}
            if voice:
                submit["format"] = "pcm_16000"
                if self.opts.voice_answer == "whole":
                    submit["audio"] = self.pcm
            else:
                submit["text"] = answer_text(self.rng)
            started = time.perf_counter()
            ack = await self.client.call("answer:submit", submit)
            answer_id = str(ack["answer_id"])
            sent[answer_id] = started
            await self.client.expect("answer:transcript", answer_id=answer_id)
            index += 1
        at, _ = await self.client.expect("interview:complete", session_id=session_id)
        self.res.intervals[COMPLETE].append((at - max(sent.values())) * 1000)
        for answer_id, t in sent.items():
            for event, label in (("answer:transcript", TRANSCRIPT),
                                 ("answer:evaluation", EVALUATION)):
                arrived = self.client.arrived[event].get(answer_id)
                if arrived is None:
                    self.res.error(f"missing:{event}")
                else:
                    self.res.intervals[label].append((arrived - t) * 1000)

    async def _speak(self, session_id: str, index: int, pcm: bytes, chunk_ms: float,
                     seconds: float | None = None) -> None:
        """Stream `pcm` (looped to `seconds` if given) in real time, each chunk awaiting its
        ack; `chunk send lag` is how far behind its schedule each chunk left."""
        size = int(PCM_BYTES_PER_S * chunk_ms / 1000) // 2 * 2
        total = len(pcm) if seconds is None else int(PCM_BYTES_PER_S * seconds) // 2 * 2
        looped = pcm + pcm[:size]  # a chunk may wrap around the end
        held = 0
        loop = asyncio.get_running_loop()
        start = loop.time()
        for seq, offset in enumerate(range(0, total, size)):
            due = start + seq * chunk_ms / 1000
            await asyncio.sleep(max(0.0, due - loop.time()))
            self.res.setup["chunk send lag"].append(max(0.0, loop.time() - due) * 1000)
            begin = offset % len(pcm)
            data = looped[begin:begin + min(size, total - offset)]
            ack = await self.client.call("answer:chunk", {
                "session_id": session_id, "index": index, "seq": seq, "data": data})
            held += len(data)
            if ack.get("next_seq", seq + 1) != seq + 1:
                raise Failure("answer:chunk", "wrong_next_seq")
            if ack.get("received_bytes", held) != held:  # the server lost (or doubled) bytes
                raise Failure("answer:chunk", "wrong_received_bytes")

    async def stream_once(self) -> None:
        session_id, _ = await self._start(1, False)
        await self.client.expect("interview:question", session_id=session_id, index=0)
        await self._speak(session_id, 0, self.pcm, self.opts.chunk_ms, self.opts.answer_s)
        if not self.opts.stream_submit:
            await self.client.call("interview:end", {"session_id": session_id})
            return
        started = time.perf_counter()
        ack = await self.client.call("answer:submit", {
            "session_id": session_id, "index": 0, "format": "pcm_16000"})
        at, _ = await self.client.expect("answer:transcript", answer_id=ack["answer_id"])
        self.res.intervals[TRANSCRIPT].append((at - started) * 1000)
