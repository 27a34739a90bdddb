#!/usr/bin/env bash
# End of speech -> `answer:transcript` with offline Whisper, for 1 then N spoken candidates
# with ~20 s answers on ONE server process, plus the process's memory with the model loaded.
# Starts its own redis-server (free port) and an embedded-MongoDB server, runs
# bench/voice_interviews.py twice (the 1-candidate run is the baseline of the same run), prints
# VmRSS/VmHWM of the server after start-up and after each run, and stops everything.
#   bash bench/stt_latency.sh [N=20] [OUT_DIR=/tmp/stt-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
OUT=${2:-/tmp/stt-bench}
mkdir -p "$OUT"
free_port() { python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])"; }
PORT=$(free_port)
RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null
DATA=$(mktemp -d)
REDIS_URL=redis://127.0.0.1:$RPORT MOCKMATE_DATA_DIR=$DATA MOCKMATE_TTS_PREWARM=false \
  MOCKMATE_RATE_LIMIT_PER_S=100 MOCKMATE_LOG_LEVEL=WARNING \
  python3 -m mockmate serve --port "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; redis-cli -p $RPORT shutdown nosave >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done
sleep 5  # the model loads in the background after start-up
memory() { grep -E "VmRSS|VmHWM" "/proc/$SERVER/status" | tr -s ' \n' ' '; echo " ($1)"; }
memory "started, model loaded"
TEXT="At my last job our checkout page was slow at peak times. I profiled the database and \
found one query scanning the whole orders table. I added an index and moved the reports to a \
read replica, and after that the page loaded three times faster and the support tickets \
about it stopped."
for n in 1 "$N"; do
  MOCKMATE_DATA_DIR=$DATA python3 bench/voice_interviews.py --url "http://127.0.0.1:$PORT" --candidates "$n" \
    --questions 1 --ramp-s 2 --timeout-s 120 --deadline-s 170 --answer-text "$TEXT" \
    --json "$OUT/voice-$n.json" > "$OUT/voice-$n.txt" 2>&1 || true
  grep -E "submit ack -> transcript|errors|wall" "$OUT/voice-$n.txt" || true
  memory "after $n candidate(s)"
done
