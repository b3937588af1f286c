#!/usr/bin/env bash
# Two demo nodes on one machine: the main demo on PORT and the partner exchange on PARTNER_PORT, which
# harvests the main node's catalog at start and then every 15 minutes. Stop both with Ctrl-C.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
PARTNER_PORT=${PARTNER_PORT:-5001}
MAIN_URL="http://$HOST:$PORT"
PARTNER_URL="http://$HOST:$PARTNER_PORT"
partner() { DXNODE_INSTANCE_PATH="$PWD/instance-partner" DXNODE_BASE_URL="$PARTNER_URL" "$@"; }

"$BIN/dxnode" db upgrade
DXNODE_BASE_URL="$MAIN_URL" "$BIN/dxnode" demo load
partner "$BIN/dxnode" db upgrade
partner "$BIN/dxnode" demo load --partner-of "$MAIN_URL/catalog"
"$BIN/dxnode" demo credentials
partner "$BIN/dxnode" demo credentials

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
DXNODE_BASE_URL="$MAIN_URL" "$BIN/gunicorn" --bind "$HOST:$PORT" --workers 2 --threads 4 'app.wsgi:app' &
pids+=($!)
for _ in $(seq 1 60); do
  curl -fsS "$MAIN_URL/readyz" >/dev/null 2>&1 && break
  sleep 1
done
partner "$BIN/dxnode" harvest run "Harbour Data Exchange"
partner "$BIN/dxnode" jobs scheduler &
pids+=($!)
echo "main demo node: $MAIN_URL   partner exchange: $PARTNER_URL (harvesting $MAIN_URL/catalog)"
partner "$BIN/gunicorn" --bind "$HOST:$PARTNER_PORT" --workers 2 --threads 4 'app.wsgi:app' &
pids+=($!)
wait
