"""Turns at a shared speech engine (`speech.priority_gate`): a freed slot goes to the work a
candidate is waiting on first, then in arrival order; a waiter that turned urgent while it
waited goes ahead; reserved slots take only urgent work; cancelled waiters never hold a
slot."""

import asyncio

import pytest

from mockmate.speech.priority_gate import PriorityGate, always, never


async def run_in_order(gate: PriorityGate, jobs: list[tuple[str, object]]) -> list[str]:
    """Hold the only slot, queue `jobs` (name, urgency), free the slot: the order they ran."""
    order: list[str] = []
    release = asyncio.Event()

    async def holder() -> None:
        async with gate.slot():
            await release.wait()

    async def job(name: str, urgent: object) -> None:
        async with gate.slot(urgent):  # type: ignore[arg-type]
            order.append(name)
            await asyncio.sleep(0)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    tasks = []
    for name, urgent in jobs:
        tasks.append(asyncio.create_task(job(name, urgent)))
        await asyncio.sleep(0)  # queued in this order
    assert gate.waiting == len(jobs)
    release.set()
    await asyncio.gather(first, *tasks)
    return order


async def test_urgent_work_goes_first_then_arrival_order() -> None:
    order = await run_in_order(PriorityGate(1), [
        ("stretch-a", never), ("caption-b", never), ("final-c", always), ("stretch-d", never),
        ("final-e", always)])
    assert order == ["final-c", "final-e", "stretch-a", "caption-b", "stretch-d"]


async def test_a_waiter_that_turns_urgent_while_waiting_goes_ahead() -> None:
    submitted: set[str] = set()
    gate = PriorityGate(1)
    release = asyncio.Event()
    order: list[str] = []

    async def holder() -> None:
        async with gate.slot():
            await release.wait()

    async def stretch(answer: str) -> None:
        async with gate.slot(lambda: answer in submitted):
            order.append(answer)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(stretch(a)) for a in ("a", "b", "c")]
    await asyncio.sleep(0)
    submitted.add("c")  # the candidate of answer c submitted while its stretch waited
    release.set()
    await asyncio.gather(first, *waiting)
    assert order == ["c", "a", "b"]


async def test_slots_run_at_once_up_to_their_number() -> None:
    gate = PriorityGate(2)
    running = 0
    most = 0

    async def job() -> None:
        nonlocal running, most
        async with gate.slot(never):
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.001)
            running -= 1

    await asyncio.gather(*(job() for _ in range(8)))
    assert most == 2 and gate.waiting == 0


async def held_with_two_waiting(
    gate: PriorityGate, release: asyncio.Event, ran: list[str]
) -> tuple["asyncio.Task[None]", "asyncio.Task[None]", "asyncio.Task[None]"]:
    """The gate's only slot held until `release`, and two waiters queued behind it, "gone"
    then "kept" (each adds its name to `ran` once it holds the slot): the three tasks."""

    async def holder() -> None:
        async with gate.slot():
            await release.wait()

    async def job(name: str) -> None:
        async with gate.slot(never):
            ran.append(name)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    gone, kept = asyncio.create_task(job("gone")), asyncio.create_task(job("kept"))
    await asyncio.sleep(0)
    return first, gone, kept


async def test_a_cancelled_waiter_leaves_the_queue_and_its_turn_passes_on() -> None:
    gate = PriorityGate(1)
    release = asyncio.Event()
    ran: list[str] = []
    first, gone, kept = await held_with_two_waiting(gate, release, ran)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert gate.waiting == 1
    release.set()
    await asyncio.gather(first, kept)
    assert ran == ["kept"]
    async with asyncio.timeout(1):  # the slot is free again
        async with gate.slot():
            pass


async def test_a_waiter_cancelled_as_it_is_granted_passes_the_slot_on() -> None:
    gate = PriorityGate(1)
    ran: list[str] = []
    release = asyncio.Event()
    tasks: dict[str, asyncio.Task[None]] = {}

    async def holder() -> None:
        async with gate.slot():
            await release.wait()
        # The slot was just handed to "granted", which has not run yet: cancel it now.
        tasks["granted"].cancel()

    async def job(name: str) -> None:
        async with gate.slot(never):
            ran.append(name)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    tasks["granted"] = asyncio.create_task(job("granted"))
    tasks["after"] = asyncio.create_task(job("after"))
    await asyncio.sleep(0)
    release.set()
    await first
    with pytest.raises(asyncio.CancelledError):
        await tasks["granted"]
    await tasks["after"]
    assert ran == ["after"] and gate.waiting == 0


async def test_a_slot_freed_just_after_its_next_waiter_was_cancelled_is_not_lost() -> None:
    # The waiter's task is cancelled, and in the same turn of the loop, before that task has
    # run to leave the queue, the holder frees the slot: the slot goes on to the next waiter
    # (and the holder's work ends normally), never to the cancelled one.
    gate = PriorityGate(1)
    ran: list[str] = []
    release = asyncio.Event()
    first, gone, kept = await held_with_two_waiting(gate, release, ran)
    assert gate.waiting == 2
    release.set()  # the holder runs first in the next turn, "gone" right after it
    gone.cancel()
    await first  # no error from handing the slot on
    with pytest.raises(asyncio.CancelledError):
        await gone
    await kept
    assert ran == ["kept"] and gate.waiting == 0
    async with asyncio.timeout(1):  # and the slot is free again
        async with gate.slot():
            pass


async def test_a_reserved_slot_starts_urgent_work_while_stretches_fill_the_others() -> None:
    gate = PriorityGate(1, reserved=1)
    release = asyncio.Event()
    ran: list[str] = []

    async def job(name: str, urgent: object, hold: bool = False) -> None:
        async with gate.slot(urgent):  # type: ignore[arg-type]
            ran.append(name)
            if hold:
                await release.wait()

    stretch = asyncio.create_task(job("stretch", never, hold=True))
    await asyncio.sleep(0)
    other = asyncio.create_task(job("other stretch", never))
    await asyncio.sleep(0)
    assert ran == ["stretch"] and gate.waiting == 1  # the free slot is not for it
    await asyncio.wait_for(job("submitted", always), timeout=5)
    assert ran == ["stretch", "submitted"]
    release.set()
    await asyncio.wait_for(asyncio.gather(stretch, other), timeout=5)
    assert ran == ["stretch", "submitted", "other stretch"] and gate.waiting == 0


async def test_urgent_work_takes_an_ordinary_slot_first_and_keeps_the_reserved_one() -> None:
    gate = PriorityGate(1, reserved=1)
    release = asyncio.Event()
    running: list[str] = []

    async def job(name: str, urgent: object) -> None:
        async with gate.slot(urgent):  # type: ignore[arg-type]
            running.append(name)
            await release.wait()

    tasks = [asyncio.create_task(job("first submit", always))]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(job("stretch", never)))
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(job("second submit", always)))
    await asyncio.sleep(0)
    assert running == ["first submit", "second submit"] and gate.waiting == 1
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
    assert running[-1] == "stretch"


async def test_a_waiting_stretch_that_turns_urgent_takes_the_reserved_slot() -> None:
    gate = PriorityGate(1, reserved=1)
    release = asyncio.Event()
    submitted = False
    ran: list[str] = []

    async def holder() -> None:
        async with gate.slot(never):
            await release.wait()

    async def stretch() -> None:
        async with gate.slot(lambda: submitted):
            ran.append("stretch")

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(stretch())
    await asyncio.sleep(0)
    submitted = True  # its answer was submitted: the next arrival or release reconsiders
    caption = asyncio.create_task(make_caption(gate, ran))
    await asyncio.wait_for(waiting, timeout=5)
    assert ran == ["stretch"]  # the caption waits for the ordinary slot
    release.set()
    await asyncio.wait_for(asyncio.gather(first, caption), timeout=5)
    assert ran == ["stretch", "caption"]


async def make_caption(gate: PriorityGate, ran: list[str]) -> None:
    async with gate.slot(never):
        ran.append("caption")


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        PriorityGate(0)
