"""Shutdown of background work: it ends even when a library hides the cancellation."""

import asyncio
import logging

import pytest

from mockmate.tasks import BackgroundTasks, repeat_every


async def test_a_periodic_step_whose_cancellation_became_an_error_still_stops() -> None:
    # redis-py and PyMongo can turn a cancellation inside a network call into an error.
    entered = asyncio.Event()
    steps = 0

    async def step() -> None:
        nonlocal steps
        steps += 1
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise ConnectionError("connection closed by cancellation") from None

    tasks = BackgroundTasks()
    sweeper = tasks.spawn(repeat_every(0, step, what="test sweep"), name="sweeper")
    await asyncio.wait_for(entered.wait(), 5)
    await asyncio.wait_for(tasks.close(), 5)
    assert sweeper.cancelled()
    assert steps == 1


async def test_a_failed_step_is_logged_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    second = asyncio.Event()
    steps = 0

    async def step() -> None:
        nonlocal steps
        steps += 1
        if steps == 1:
            raise RuntimeError("database away")
        second.set()

    tasks = BackgroundTasks()
    with caplog.at_level(logging.ERROR):
        tasks.spawn(repeat_every(0, step, what="test sweep"))
        await asyncio.wait_for(second.wait(), 5)
        await tasks.close()
    assert "test sweep failed" in caplog.text


async def test_close_cancels_again_a_task_that_swallowed_its_cancellation() -> None:
    started = asyncio.Event()
    swallowed = 0

    async def stubborn_once() -> None:
        nonlocal swallowed
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            swallowed += 1
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
        await asyncio.Event().wait()

    tasks = BackgroundTasks()
    task = tasks.spawn(stubborn_once())
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(tasks.close(patience_s=0.1), 5)
    assert swallowed == 1
    assert task.cancelled()


async def test_close_gives_up_on_a_task_that_never_stops(
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = asyncio.Event()

    async def immortal() -> None:
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                asyncio.current_task().uncancel()  # type: ignore[union-attr]

    tasks = BackgroundTasks()
    task = tasks.spawn(immortal(), name="immortal")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(tasks.close(patience_s=0.05, grace_s=0.1), 5)
    assert "immortal" in caplog.text and "did not stop" in caplog.text
    release.set()
    await asyncio.wait_for(task, 5)


async def test_a_task_winding_down_is_given_time_before_it_is_cancelled_again() -> None:
    started, wound_down = asyncio.Event(), asyncio.Event()
    finish_cleanup = asyncio.Event()

    async def graceful() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:  # like the job queue letting a running job finish
            asyncio.get_running_loop().call_later(0.7, finish_cleanup.set)
            await finish_cleanup.wait()
            wound_down.set()

    tasks = BackgroundTasks()
    task = tasks.spawn(graceful())
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(tasks.close(patience_s=5), 10)
    assert wound_down.is_set() and task.cancelled()


async def test_a_stray_cancellation_from_a_step_does_not_stop_the_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A library's own timeout can surface as CancelledError while nobody cancelled the task:
    # the sweep must go on (it used to end silently, leaving lost interviews unmarked).
    second = asyncio.Event()
    steps = 0

    async def step() -> None:
        nonlocal steps
        steps += 1
        if steps == 1:
            raise asyncio.CancelledError
        second.set()

    tasks = BackgroundTasks()
    with caplog.at_level(logging.ERROR):
        sweeper = tasks.spawn(repeat_every(0, step, what="test sweep"))
        await asyncio.wait_for(second.wait(), 5)
        assert not sweeper.done()
        await tasks.close()
    assert "test sweep was interrupted by a stray cancellation" in caplog.text


async def test_a_hung_step_is_cut_short_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    second = asyncio.Event()
    steps = 0

    async def step() -> None:
        nonlocal steps
        steps += 1
        if steps == 1:
            await asyncio.Event().wait()  # a read on a connection that never answers
        second.set()

    tasks = BackgroundTasks()
    with caplog.at_level(logging.ERROR):
        tasks.spawn(repeat_every(0, step, what="test sweep", step_timeout_s=0.05))
        await asyncio.wait_for(second.wait(), 5)
        await tasks.close()
    assert "test sweep took longer than" in caplog.text


async def test_a_task_cancelled_by_anyone_but_close_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks = BackgroundTasks()
    with caplog.at_level(logging.ERROR):
        task = tasks.spawn(asyncio.Event().wait(), name="sweeper")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert "background task sweeper stopped: cancelled unexpectedly" in caplog.text
