#!/bin/sh
# `make run`: keeps the background worker alive beside the development server.
# Runs the command given (manage.py db_worker …) and starts it again if it exits or dies; stops it and
# itself on SIGTERM/SIGINT (when the server stops). WORKER_RESTART_DELAY: seconds between restarts.
delay="${WORKER_RESTART_DELAY:-2}"
child=""
stop() {
    [ -n "$child" ] && kill "$child" 2>/dev/null && wait "$child" 2>/dev/null
    exit 0
}
trap stop INT TERM
while :; do
    "$@" &
    child=$!
    wait "$child"
    code=$?
    child=""
    echo "Фоновый обработчик остановился (код $code); перезапуск через $delay с." >&2
    sleep "$delay" &
    wait $!
done
