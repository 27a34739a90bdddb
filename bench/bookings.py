"""Load benchmark: candidates racing to book the same experts' time, against running servers.

Setup (not timed into the figures): E experts apply, upload their identity and employment
documents, and are approved by an admin (`--admin-token`, from `mockmate token EMAIL
--admin` run with the servers' settings); N candidates register. Then every candidate, at
once: reads one expert's free slots (`GET /api/experts/{id}/slots`), picks one of the first
`--spread` slots, books it (`POST /api/bookings`), and when it got the time, pays in test mode
(`POST /api/bookings/{id}/test-payment`). Candidates outnumber slots on purpose: most
bookings race for a time someone else also wants.

Prints latency per request (p50/p95/p99/max, count), outcomes by status (201 booked, 409
conflict), and checks the invariant that matters: no two confirmed bookings of one expert
overlap (`overlapping_confirmed_bookings` must be 0). Loopback URLs only.
Example (servers in test mode, i.e. without STRIPE_SECRET_KEY):

    python bench/bookings.py --url http://127.0.0.1:8081 --url http://127.0.0.1:8082 \\
        --admin-token "$(mockmate token admin@example.com --admin)" --experts 5 \\
        --candidates 200 --json /tmp/bookings.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import aiohttp
from text_interviews import loopback, summary

PDF = b"%PDF-1.4\n% mockmate bench\n" + b"0" * 2048
WEEK = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]


class Bench:
    def __init__(self, args: argparse.Namespace, http: aiohttp.ClientSession) -> None:
        self.args, self.http = args, http
        self.run_id = uuid.uuid4().hex[:8]
        self.latency_ms: dict[str, list[float]] = defaultdict(list)
        self.outcomes: Counter[str] = Counter()

    def url(self, n: int) -> str:
        urls: list[str] = self.args.url
        return urls[n % len(urls)]

    async def request(self, label: str, method: str, url: str, token: str,
                      **kwargs: Any) -> tuple[int, Any]:
        started = time.perf_counter()
        async with self.http.request(method, url, headers={"Authorization": f"Bearer {token}"},
                                     **kwargs) as response:
            body = await response.json()
        self.latency_ms[label].append((time.perf_counter() - started) * 1000)
        return response.status, body

    async def register(self, n: int, kind: str) -> str:
        async with self.http.post(f"{self.url(n)}/api/auth/register", json={
            "email": f"bench-{self.run_id}-{kind}{n}@example.com",
            "password": "bench password", "display_name": f"{kind}{n}",
        }) as response:
            assert response.status == 201, await response.text()
            return str((await response.json())["token"])

    async def expert(self, n: int) -> tuple[str, str]:
        """An approved expert: (expert id, the expert's token)."""
        token, base = await self.register(n, "expert"), self.url(n)
        status, body = await self.request("setup", "POST", f"{base}/api/experts", token, json={
            "first_name": "Bench", "last_name": f"Expert{n}", "bio": "Interviews engineers.",
            "time_zone": "UTC", "languages": ["en"], "current_role": "Staff Engineer",
            "current_company": "Example", "years_experience": 10, "industries": ["saas"],
            "company_types": ["startup"],
            "specialties": [{"type": "technical", "session_types": ["mock_interview"]}],
            "pricing": {"mock_interview": {"hourly_cents": 12000}},
            "availability": {"weekly": WEEK, "blackout_dates": []},
        })
        assert status == 201, body
        expert_id = str(body["expert"]["id"])
        for kind in ("identity", "employment"):
            form = aiohttp.FormData()
            form.add_field("type", kind)
            form.add_field("file", PDF, filename=f"{kind}.pdf", content_type="application/pdf")
            status, body = await self.request(
                "setup", "POST", f"{base}/api/experts/{expert_id}/documents", token, data=form)
            assert status == 201, body
            status, body = await self.request(
                "setup", "POST", f"{base}/api/admin/experts/{expert_id}/verify",
                self.args.admin_token, json={"document_type": kind, "approved": True})
            assert status == 200, body
        return expert_id, token

    async def candidate(self, n: int, token: str, experts: list[str]) -> None:
        base, rng = self.url(n), random.Random(f"{self.run_id}-{n}")
        expert_id = experts[n % len(experts)]
        start = date.today() + timedelta(days=2)
        status, body = await self.request(
            "GET slots", "GET", f"{base}/api/experts/{expert_id}/slots", token,
            params={"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat(),
                    "tz": "UTC", "session_type": "mock_interview", "duration_min": "60"})
        slots = body.get("slots", []) if status == 200 else []
        if not slots:
            self.outcomes[f"slots:{status}"] += 1
            return
        slot = rng.choice(slots[: self.args.spread])
        status, body = await self.request(
            "POST bookings", "POST", f"{base}/api/bookings", token, json={
                "expert_id": expert_id, "session_type": "mock_interview",
                "start": slot["start"], "duration_min": 60})
        self.outcomes[f"book:{status}"] += 1
        if status != 201:
            return
        booking_id = body["booking"]["id"]
        status, body = await self.request(
            "POST test-payment", "POST", f"{base}/api/bookings/{booking_id}/test-payment",
            token, json={"succeed": True})
        self.outcomes[f"pay:{status}"] += 1

    async def overlaps(self, expert_tokens: list[str]) -> int:
        """Confirmed bookings of one expert that overlap another (must be 0)."""
        bad = 0
        for n, token in enumerate(expert_tokens):
            _, body = await self.request(
                "check", "GET", f"{self.url(n)}/api/bookings", token,
                params={"role": "expert", "per_page": "50"})
            spans = sorted(
                (datetime.fromisoformat(b["start"]).astimezone(UTC),
                 datetime.fromisoformat(b["end"]).astimezone(UTC))
                for b in body.get("bookings", []) if b["status"] == "confirmed")
            bad += sum(1 for (_, end), (start, _) in pairwise(spans) if start < end)
        return bad


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    timeout = aiohttp.ClientTimeout(total=args.timeout_s)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        b = Bench(args, http)
        experts = [await b.expert(n) for n in range(args.experts)]
        expert_ids = [expert_id for expert_id, _ in experts]
        tokens = await asyncio.gather(*(b.register(n, "cand") for n in range(args.candidates)))
        b.latency_ms.clear()
        started = time.perf_counter()
        await asyncio.gather(*(b.candidate(n, t, expert_ids) for n, t in enumerate(tokens)))
        wall_s = time.perf_counter() - started
        latency = {k: summary(v) for k, v in b.latency_ms.items()}
        return {
            "candidates": args.candidates, "experts": args.experts, "spread": args.spread,
            "urls": args.url, "wall_s": round(wall_s, 2), "latency_ms": latency,
            "outcomes": dict(b.outcomes),
            "overlapping_confirmed_bookings": await b.overlaps([t for _, t in experts]),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", type=loopback)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--experts", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--spread", type=int, default=3,
                        help="each candidate picks one of the first SPREAD free slots")
    parser.add_argument("--timeout-s", type=float, default=60.0)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    args.url = args.url or ["http://127.0.0.1:8080"]
    result = asyncio.run(bench(args))
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
