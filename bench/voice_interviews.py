"""Load benchmark: N scripted candidates take SPOKEN interviews against running MockMate servers.

Each candidate registers (all registrations first), connects over WebSocket (`--url`s taken
round-robin, connects spread over `--ramp-s`) and starts an interview with
`audio_format: "pcm_16000"`. For every `interview:question` it listens to the question's
`interview:audio` up to the `final` chunk, then answers out loud: a ~6 s Piper recording made
once at start-up is streamed as 250 ms `answer:chunk`s (8000 bytes of raw 16 kHz PCM) in real
time, one every 250 ms against a monotonic clock, each awaiting its ack; then
`answer:submit {format: "pcm_16000"}` and its `answer:transcript` (Whisper, server side).
Finally it waits for `interview:complete`.

Prints ack latency per event (p50/p95/p99/max), question -> first / final audio chunk, audio
stall (how late a chunk arrived for gap-free playback started at the first chunk), chunk send
lag behind the real-time schedule, submit ack -> transcript / evaluation, errors by code,
chunks/s and wall time. Waits time out, the run has a deadline, failed candidates are counted,
loopback URLs only. Helpers come from `text_interviews.py`. Example:

    python bench/voice_interviews.py --url http://127.0.0.1:8281 --url http://127.0.0.1:8282 \\
        --candidates 50 --questions 2 --ramp-s 10 --json /tmp/voice-50.json
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import socketio
from text_interviews import Candidate, Failure, Results, drive, report, results

CHUNK_S = 0.25
CHUNK_BYTES = int(16000 * 2 * CHUNK_S)  # 250 ms of 16 kHz s16le mono
ANSWER = ("At my last job our checkout page was slow. I added a cache, and the delay dropped "
          "by half.")


def spoken_answer(text: str) -> bytes:
    """`text` spoken by Piper (the tests' voice helper), 16 kHz s16le mono, short pauses around."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    audio = importlib.import_module("tests.support.audio")  # Piper + onnxruntime: heavy, lazy
    return bytes(audio.speech_16k(0.3, text, 0.4).data)


@dataclass
class VoiceResults(Results):
    transcripts: list[tuple[str, float]] = field(default_factory=list)  # (text, confidence)
    questions_asked: Counter[str] = field(default_factory=Counter)  # text -> times asked
    timeline: list[dict[str, Any]] = field(default_factory=list)  # per answer, perf_counter s


class VoiceCandidate(Candidate):
    """A `Candidate` that listens to question audio and answers with streamed speech."""

    res: VoiceResults

    def __init__(self, *args: Any, pcm: bytes, **kwargs: Any):
        self.pcm = pcm
        self.audio_first: dict[int, float] = {}
        self.audio_final: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.audio_stall: dict[int, float] = defaultdict(float)
        self.audio_s: dict[int, float] = defaultdict(float)
        self.final_at: dict[int, float] = {}
        super().__init__(*args, **kwargs)

    def _client(self) -> socketio.AsyncClient:
        sio = super()._client()
        sio.on("interview:audio", self._on_audio)
        return sio

    async def _on_audio(self, data: Any) -> None:
        now = time.perf_counter()
        if not isinstance(data, dict) or not isinstance(data.get("data"), bytes | bytearray):
            self.res.errors["bad:interview:audio"] += 1
            return
        index = int(data.get("index", -1))
        first = self.audio_first.setdefault(index, now)
        # Playback started at the first chunk needs chunk k by first + duration of chunks < k.
        self.audio_stall[index] = max(self.audio_stall[index], now - first - self.audio_s[index])
        self.audio_s[index] += len(data["data"]) / 2 / int(data.get("sample_rate") or 16000)
        if data.get("final"):
            self.final_at.setdefault(index, now)
            self.audio_final[index].set()

    async def listen(self, index: int, asked_at: float) -> None:
        """Wait for the question's final audio chunk; a missing one is counted, not fatal."""
        try:
            await asyncio.wait_for(self.audio_final[index].wait(), self.timeout)
        except TimeoutError:
            self.res.errors["missing:interview:audio:final"] += 1
        if index in self.audio_first:
            um = self.res.user_ms
            um["question -> first audio"].append((self.audio_first[index] - asked_at) * 1000)
            um["audio stall (playback)"].append(self.audio_stall[index] * 1000)
            self.res.setup_ms["question audio length"].append(self.audio_s[index] * 1000)
        if index in self.final_at:
            self.res.user_ms["question -> final audio"].append(
                (self.final_at[index] - asked_at) * 1000)

    async def speak(self, session_id: str, index: int) -> None:
        """Stream the answer in real time, one 250 ms chunk per tick, each awaiting its ack."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        for seq, offset in enumerate(range(0, len(self.pcm), CHUNK_BYTES)):
            due = start + seq * CHUNK_S
            await asyncio.sleep(max(0.0, due - loop.time()))
            self.res.user_ms["chunk send lag"].append(max(0.0, loop.time() - due) * 1000)
            ack = await self.call("answer:chunk", {
                "session_id": session_id, "index": index, "seq": seq,
                "data": self.pcm[offset:offset + CHUNK_BYTES]})
            if ack.get("next_seq") != seq + 1:
                raise Failure("answer:chunk", "wrong_next_seq")

    async def interview(self, token: str) -> bool:
        await asyncio.sleep(self.args.ramp_s * self.n / self.args.candidates)
        await self.connect(token)
        ack = await self.call("interview:start", {
            "role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
            "question_count": self.args.questions, "audio_format": "pcm_16000",
            **({"questions": [{"text": f"Candidate {self.n}, question {i + 1}: tell me about "
                               "a hard bug you fixed. What did you learn?"}
                              for i in range(self.args.questions)]}
               if self.args.unique_questions else {})})
        session_id, total = ack["session_id"], int(ack["total_questions"])
        acked: dict[str, float] = {}
        for index in range(total):
            asked_at, q = await self.expect("interview:question", session_id=session_id,
                                            index=index)
            self.res.questions_asked[str((q.get("question") or {}).get("text"))] += 1
            await self.listen(index, asked_at)
            await asyncio.sleep(self.args.think_ms / 1000)
            await self.speak(session_id, index)
            ack = await self.call("answer:submit", {
                "session_id": session_id, "index": index, "format": "pcm_16000"})
            acked[str(ack["answer_id"])] = time.perf_counter()
            _, tr = await self.expect("answer:transcript", answer_id=ack["answer_id"])
            self.res.timeline.append({"candidate": self.n, "index": index, "asked": asked_at,
                                      "first_audio": self.audio_first.get(index),
                                      "final_audio": self.final_at.get(index),
                                      "submit_ack": acked[str(ack["answer_id"])],
                                      "transcript": time.perf_counter()})
            self.res.transcripts.append((str(tr.get("text") or ""),
                                         float(tr.get("confidence") or 0.0)))
        at, _ = await self.expect("interview:complete", session_id=session_id)
        self.res.user_ms["last submit ack -> complete"].append((at - max(acked.values())) * 1000)
        for answer_id, t in acked.items():
            for event, label in (("answer:transcript", "submit ack -> transcript"),
                                 ("answer:evaluation", "submit ack -> evaluation")):
                if answer_id in self.arrived[event]:
                    late = self.arrived[event][answer_id] - t
                    self.res.user_ms[label].append(max(0.0, late) * 1000)
                else:
                    self.res.errors[f"missing:{event}"] += 1
        return True


async def bench(args: argparse.Namespace, pcm: bytes) -> dict[str, Any]:
    res = VoiceResults()
    run = await drive(args, lambda n, urls, run_id, http: VoiceCandidate(
        n, urls, run_id, args, http, res, pcm=pcm))
    chunks = len(res.acks_ms.get("answer:chunk", []))
    interview_s = max(1e-9, run.finished - run.registered)
    registered = run.registered
    texts = [t for t, _ in res.transcripts]
    return {**results(args, res, run), "reconnect": False,
            "unique_questions": args.unique_questions, "answer_text": args.answer_text,
            "answer_audio_s": len(pcm) / 32000, "chunks": chunks,
            "chunks_per_s": chunks / interview_s,
            "questions_distinct": len(res.questions_asked),
            "timeline": [{k: (v - registered if isinstance(v, float) else v) for k, v in a.items()}
                         for a in res.timeline],  # seconds since the interview phase began
            "transcripts": {"count": len(texts), "empty": sum(1 for t in texts if not t),
                            "distinct": len(set(texts)),
                            "mean_confidence": statistics.fmean(
                                [c for _, c in res.transcripts]) if texts else None,
                            "most_common": max(set(texts), key=texts.count) if texts else None}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    p.add_argument("--url", action="append", help="server base URL (repeat; loopback only)")
    p.add_argument("--candidates", type=int, default=10)
    p.add_argument("--questions", type=int, default=2, choices=range(1, 21), metavar="1..20")
    p.add_argument("--ramp-s", type=float, default=0.0, help="spread connects over this long")
    p.add_argument("--think-ms", type=float, default=300.0,
                   help="final question chunk -> first answer chunk")
    p.add_argument("--answer-text", default=ANSWER, help="what the candidates say (Piper)")
    p.add_argument("--unique-questions", action="store_true",
                   help="send own per-candidate questions, so no question audio is cached")
    p.add_argument("--timeout-s", type=float, default=60.0, help="limit of every single wait")
    p.add_argument("--deadline-s", type=float, default=900.0, help="limit of the whole run")
    p.add_argument("--register-concurrency", type=int, default=8,
                   help="registrations in flight at once (phase 1)")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args(argv)
    if not 1 <= args.candidates <= 10_000 or args.register_concurrency < 1:
        p.error("--candidates must be 1..10000 and --register-concurrency at least 1")
    if min(args.ramp_s, args.think_ms) < 0 or min(args.timeout_s, args.deadline_s) <= 0:
        p.error("times must not be negative; timeouts must be positive")
    pcm = spoken_answer(args.answer_text)
    results = asyncio.run(bench(args, pcm))
    report(results)
    tr = results["transcripts"]
    print(f"answer audio {results['answer_audio_s']:.2f}s in {results['chunks']} chunks, "
          f"{results['chunks_per_s']:.1f} chunks/s; {results['questions_distinct']} distinct "
          f"question texts (--unique-questions {args.unique_questions})")
    print(f"transcripts {tr['count']} ({tr['empty']} empty, {tr['distinct']} distinct), mean "
          f"confidence {tr['mean_confidence'] or 0:.2f}; most common: {tr['most_common']!r}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
