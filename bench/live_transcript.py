"""End of speech -> `answer:transcript` for spoken answers of about 20 s and 2 minutes, before
(one pass over the whole answer after the submit) and after (segments transcribed while the
answer streams, issue 15 item 4), in the same run against one running server.

Both kinds of candidate run at the same time, so they share the machine's load:
- "whole": the candidate "speaks" for the answer's length (nothing is sent meanwhile), pauses
  `PAUSE_S`, then submits the recording whole (`answer:submit {audio}`): the transcript
  waits for one pass over all of it.
- "streamed": the candidate streams the answer and the pause in real time (250 ms
  `answer:chunk`s, paced by the clock), then submits: the server has transcribed closed
  stretches meanwhile.
End of speech is when the last word was "spoken" (the answer's length after it began).
Each 20 s candidate answers `--short-answers` times in a row; each 2-minute candidate once.

    python bench/live_transcript.py --url http://127.0.0.1:8080 [--long-candidates 2]
(bench/live_transcript.sh starts a server and runs this.)
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from mockmate.loadtest.client import SocketClient
from mockmate.loadtest.speech import spoken_answer
from mockmate.loadtest.stats import Results, summary

CHUNK = 8000  # 250 ms of 16 kHz s16le
# A candidate takes a moment after their last word before they press "submit" (or before
# hands-free turn detection submits for them, 2.5 s by default); both kinds wait this long.
PAUSE_S = 1.0
SHORT = ("At my last job our checkout page was slow at peak times. I profiled the database "
         "and found one query scanning the whole orders table. I added an index and moved the "
         "reports to a read replica, and after that the page loaded three times faster and "
         "the support tickets about it stopped.")


async def register(url: str) -> str:
    email = f"live-{uuid.uuid4().hex[:10]}@bench.example"
    async with aiohttp.ClientSession() as http, http.post(
            f"{url}/api/auth/register",
            json={"email": email, "password": "correct horse battery",
                  "display_name": "bench"}) as response:
        body = await response.json()
        if response.status != 201:
            raise SystemExit(f"register failed: {response.status} {body}")
        return str(body["token"])


async def candidate(url: str, kind: str, pcm: bytes, answers: int,
                    out: list[float]) -> None:
    res = Results()
    client = SocketClient(url, await register(url), res, timeout_s=300)
    await client.connect()
    start = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
             "speak": False, "adaptive": False,
             "questions": [{"text": f"Question {i + 1}?"} for i in range(answers)]}
    sid = (await client.call("interview:start", start))["session_id"]
    seconds = len(pcm) / 32000
    audio = pcm + bytes(int(PAUSE_S * 32000))  # the pause before the submit
    for index in range(answers):
        await client.expect("interview:question", session_id=sid, index=index)
        if kind == "whole":
            await asyncio.sleep(seconds)  # speaking, as far as the server can tell: nothing
            ended = time.perf_counter()
            await asyncio.sleep(PAUSE_S)
            ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                      "format": "pcm_16000",
                                                      "audio": audio})
        else:
            began = time.perf_counter()
            ended = began + seconds
            for seq, at in enumerate(range(0, len(audio), CHUNK)):
                # Real time: chunk `seq` is sent once its audio has been "spoken".
                await asyncio.sleep(max(0.0, began + at / 32000 - time.perf_counter()))
                await client.call("answer:chunk", {"session_id": sid, "index": index,
                                                   "seq": seq,
                                                   "data": audio[at:at + CHUNK]})
            ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                      "format": "pcm_16000"})
        arrived, _ = await client.expect("answer:transcript", answer_id=ack["answer_id"])
        out.append(arrived - ended)
        print(f"{kind} {seconds:.0f} s answer: transcript {arrived - ended:.2f} s after the end "
              "of speech", file=sys.stderr, flush=True)
    await client.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--short-candidates", type=int, default=1)
    parser.add_argument("--short-answers", type=int, default=4)
    parser.add_argument("--long-candidates", type=int, default=2)
    parser.add_argument("--long-repeats", type=int, default=6,
                        help="the 2-minute answer is the 20 s one this many times")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    short = await spoken_answer(SHORT)
    gap = bytes(32000)  # a second's pause between the retellings
    long = gap.join([short] * args.long_repeats)
    figures: dict[str, list[float]] = {}
    work = []
    for kind in ("whole", "streamed"):
        for name, pcm, count, answers in (
                ("20s", short, args.short_candidates, args.short_answers),
                ("2min", long, args.long_candidates, 1)):
            out = figures.setdefault(f"{name} {kind}", [])
            work += [candidate(args.url, kind, pcm, answers, out) for _ in range(count)]
    began = time.perf_counter()
    await asyncio.gather(*work)
    wall = time.perf_counter() - began
    report: dict[str, Any] = {
        "answer_s": {"20s": round(len(short) / 32000, 1), "2min": round(len(long) / 32000, 1)},
        "wall_s": round(wall, 1),
        "end_of_speech_to_transcript_s": {k: {q: round(v, 2) for q, v in summary(vals).items()}
                                          for k, vals in figures.items()},
    }
    print(json.dumps(report, indent=1))
    for length in ("20s", "2min"):
        whole = summary(figures[f"{length} whole"])
        streamed = summary(figures[f"{length} streamed"])
        print(f"{length}: p50 {whole['p50']:.2f} s -> {streamed['p50']:.2f} s "
              f"(x{streamed['p50'] / whole['p50']:.2f}), p95 {whole['p95']:.2f} s -> "
              f"{streamed['p95']:.2f} s (x{streamed['p95'] / whole['p95']:.2f})")
    if args.json:
        await asyncio.to_thread(Path(args.json).write_text, json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
