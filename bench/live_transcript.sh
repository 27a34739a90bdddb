#!/usr/bin/env bash
# End of speech -> `answer:transcript` for ~20 s and ~2-minute spoken answers, one pass over
# the whole answer after the submit ("whole", the baseline) vs segments transcribed while the
# answer streams ("streamed"), in the same run on ONE server process (bench/live_transcript.py).
# Starts its own redis-server (free port) and the embedded MongoDB stand-in; about 2.5 minutes.
#   bash bench/live_transcript.sh [OUT_DIR=/tmp/live-bench] [extra args for live_transcript.py]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/live-bench}
shift || true
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
python3 bench/live_transcript.py --url "http://127.0.0.1:$PORT" --json "$OUT/live.json" "$@"
