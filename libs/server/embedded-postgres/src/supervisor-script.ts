/**
 * The shell that runs PostgreSQL for the server: `sh -c SUPERVISOR_SCRIPT sh <log file> <postgres argv…>`.
 *
 * Its standard input is a pipe whose only writer is the server process. When the server goes away in any
 * way — a clean stop closing the pipe, a crash, SIGKILL — the kernel closes the pipe, `read` returns and
 * PostgreSQL gets SIGINT (fast shutdown: roll back, checkpoint, exit). So the database never outlives the
 * server, with no polling and no platform-specific parent-death signal. The shell runs in its own session
 * so a Ctrl-C meant for the server (which then drains and still needs the database) does not reach it.
 *
 * fd 3 keeps the pipe for the watcher: POSIX gives a background list /dev/null as standard input.
 */
export const SUPERVISOR_SCRIPT = `
log="$1"; shift
mkdir -p "$(dirname "$log")"
if [ -f "$log" ] && [ "$(wc -c < "$log")" -gt 10485760 ]; then mv -f "$log" "$log.1"; fi
exec 3<&0
"$@" < /dev/null 3<&- >> "$log" 2>&1 &
pg=$!
trap 'kill -INT "$pg" 2>/dev/null' INT TERM HUP
( read -r _ <&3; kill -INT "$pg" 2>/dev/null ) &
watcher=$!
exec 3<&-
while :; do
  wait "$pg"; code=$?
  kill -0 "$pg" 2>/dev/null || break
done
kill "$watcher" 2>/dev/null
exit "$code"
`;
