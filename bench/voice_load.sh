#!/usr/bin/env bash
# Spoken candidates against one server process, for A/B runs of two commits: starts a
# redis-server, an nx-27017 and `mockmate serve` from SRC (a tree of the commit under test,
# e.g. `git archive <commit> | tar -x -C SRC`), warms it with one short answer, then runs
# `mockmate loadtest voice` from THIS tree (the same client for both sides) with N candidates
# streaming ANSWER_FILE in real time, and prints the loadtest's table, the server's memory
# high-water mark and the CPU time of the server, nx-27017 and redis-server. Everything is
# stopped at the end. Extra server settings go in SERVER_ENV ("K=V K=V").
#   bash bench/voice_load.sh SRC [N=20] [ANSWER_FILE=bench/answers/long.txt] > out.txt
# The answers: bench/answers/short.txt (53 words, 16.0 s as the loadtest's Piper speaks it),
# long.txt (465 words, 134.1 s; its last stretch the live path leaves open is 7.9 s).
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
SRC=$(cd "$1" && pwd)
N=${2:-20}
ANSWER=$(realpath "${3:-$HERE/bench/answers/long.txt}")
PORT=${PORT:-8393}
RPORT=${RPORT:-6393}
MPORT=${MPORT:-27393}
export MOCKMATE_JWT_SECRET=${MOCKMATE_JWT_SECRET:-voice-load-secret-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx}
export REDIS_URL=redis://127.0.0.1:$RPORT/0
export MONGODB_URL="mongodb://127.0.0.1:$MPORT/?directConnection=true"
export MONGODB_DB=bench
DATA=$(mktemp -d)
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null
python3 -m mockmate.storage.nx_runner --host 127.0.0.1 -p "$MPORT" --data-dir "$DATA" \
  --pid-file "$DATA/nx.pid" --log-file "$DATA/nx.log" 2>/dev/null &
NX=$!
# shellcheck disable=SC2086  # SERVER_ENV is a list of assignments
(cd "$SRC" && exec env MOCKMATE_DATA_DIR="$DATA" MOCKMATE_TTS_PREWARM=false \
  MOCKMATE_RATE_LIMIT_PER_S=50 MOCKMATE_LOG_LEVEL=WARNING ${SERVER_ENV:-} \
  python3 -m mockmate serve --port "$PORT" > "$DATA/server.log" 2>&1) &
SERVER=$!
stop() {
  kill "$SERVER" 2>/dev/null; sleep 1; kill "$NX" 2>/dev/null
  redis-cli -p "$RPORT" shutdown nosave >/dev/null 2>&1
}
trap stop EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done
cd "$HERE"
loadtest() {
  python3 -m mockmate loadtest voice --url "http://127.0.0.1:$PORT" --questions 1 \
    --voice-answer stream --timeout-s 600 --deadline-s 900 --no-progress "$@"
}
loadtest --candidates 1 --ramp-s 1 --answer-text "$(cat "$HERE/bench/answers/short.txt")" >/dev/null 2>&1
loadtest --candidates "$N" --ramp-s 10 --answer-text "$(cat "$ANSWER")" --server-pid "$SERVER"
grep VmHWM "/proc/$SERVER/status"
REDIS=$(pgrep -f "redis-server 127.0.0.1:$RPORT" | head -1)
echo "CPU time: server $(ps -o cputime= -p "$SERVER"), nx-27017 $(ps -o cputime= -p "$NX"),"\
  "redis-server $(ps -o cputime= -p "$REDIS")"
