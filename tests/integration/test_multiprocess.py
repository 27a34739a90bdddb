"""Several `mockmate serve` processes sharing one Redis and one MongoDB form one service."""

from collections.abc import Callable

from tests.support.client import Candidate, register
from tests.support.server import ServerProcess

START = {"role": "Data Scientist", "interview_type": "mixed", "difficulty": "senior",
         "question_count": 3}
ANSWER = ("In my last role I was responsible for our churn model. I rebuilt the feature "
          "pipeline in SQL, ran an A/B test on the retention emails, and as a result churn fell "
          "by 12% in one quarter.")

Spawn = Callable[..., "ServerProcess"]



async def test_start_on_one_process_resume_and_finish_on_another(spawn: Spawn) -> None:
    a, b = spawn("a"), spawn("b")
    await a.ready()
    await b.ready()
    token = await register(a.url, "roamer@example.com")

    on_a = await Candidate(a.url, token).connect()
    watcher = await Candidate(b.url, token).connect()  # the same user on the other process
    ack = await on_a.call("interview:start", START)
    sid = ack["session_id"]
    await on_a.expect("interview:question", session_id=sid, index=0)
    await watcher.expect("interview:question", session_id=sid, index=0)
    first = await on_a.call("answer:submit", {"session_id": sid, "index": 0, "text": ANSWER})
    assert first["ok"]
    await on_a.close()

    on_b = await Candidate(b.url, token).connect()
    snapshot = (await on_b.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert snapshot["total"] == 3
    assert [a["answer_id"] for a in snapshot["answers"]] == [first["answer_id"]]
    await watcher.expect("interview:question", session_id=sid, index=1)
    for index in (1, 2):
        if index == 2:
            await on_b.expect("interview:question", session_id=sid, index=2)
        ack = await on_b.call("answer:submit", {"session_id": sid, "index": index, "text": ANSWER})
        assert ack["ok"], ack
    complete = await on_b.expect("interview:complete", session_id=sid)
    assert complete["answered"] == 3
    # Evaluations, whichever process computed them, reached the socket on b.
    seen = {e["answer_id"] for e in on_b.pending("answer:evaluation")}
    assert len(seen | {first["answer_id"]}) == 3
    await on_b.close()
    await watcher.close()


async def test_an_evaluation_survives_the_crash_of_the_process_that_accepted_it(
    spawn: Spawn,
) -> None:
    # a and b only serve sockets; c, started after the crash, is the only worker.
    a, b = spawn("a", MOCKMATE_WORKERS="0"), spawn("b", MOCKMATE_WORKERS="0")
    await a.ready()
    await b.ready()
    token = await register(a.url, "crash@example.com")
    client = await Candidate(a.url, token).connect()
    sid = (await client.call("interview:start", START))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0, "text": ANSWER})
    assert ack["ok"]
    a.kill()  # SIGKILL: no cleanup, the evaluation job was only accepted

    client = await Candidate(b.url, token).connect()
    snapshot = (await client.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert snapshot["answers"][0]["answer_id"] == ack["answer_id"]
    assert snapshot["answers"][0]["evaluation"] is None

    c = spawn("c", MOCKMATE_WORKERS="2")
    await c.ready()
    evaluation = await client.expect("answer:evaluation", answer_id=ack["answer_id"], timeout=30)
    assert 1 <= evaluation["score"] <= 10
    await client.close()


async def test_a_chunked_answer_interrupted_by_a_disconnect_is_finished_elsewhere(
    spawn: Spawn,
) -> None:
    from tests.support.audio import speech_16k

    a, b = spawn("a"), spawn("b")
    await a.ready()
    await b.ready()
    token = await register(a.url, "chunks@example.com")
    pcm = speech_16k("The server sends a message to the customer.", 0.3,
                     "The server sends a message to the customer.").data
    pieces = [pcm[i:i + 8000] for i in range(0, len(pcm), 8000)]
    half = len(pieces) // 2

    on_a = await Candidate(a.url, token).connect()
    sid = (await on_a.call("interview:start", START))["session_id"]
    await on_a.expect("interview:question", session_id=sid, index=0)
    for seq in range(half):
        ack = await on_a.call("answer:chunk", {"session_id": sid, "index": 0, "seq": seq,
                                               "data": pieces[seq]})
        assert ack["ok"], ack
    await on_a.close()  # the connection drops mid-answer

    on_b = await Candidate(b.url, token).connect()
    snapshot = (await on_b.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert snapshot["state"] == "receiving_answer"
    assert snapshot["received_bytes"] == sum(len(p) for p in pieces[:half])
    # The client is unsure whether its last chunk arrived and sends it again.
    for seq in range(half - 1, len(pieces)):
        ack = await on_b.call("answer:chunk", {"session_id": sid, "index": 0, "seq": seq,
                                               "data": pieces[seq]})
        assert ack["ok"], ack
    assert ack["received_bytes"] == len(pcm)
    ack = await on_b.call("answer:submit", {"session_id": sid, "index": 0,
                                            "format": "pcm_16000"})
    assert ack["ok"], ack
    transcript = await on_b.expect("answer:transcript", answer_id=ack["answer_id"], timeout=60)
    assert "server" in transcript["text"] or "customer" in transcript["text"]
    assert transcript["duration_s"] == round(len(pcm) / 32000, 2)  # no bytes lost or doubled
    await on_b.close()
