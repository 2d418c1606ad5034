#!/usr/bin/env bash
# systemd/beacond.service: systemd-analyze finds nothing wrong with it when
# it starts the beacond just built, and that beacond does what Type=notify
# promises (READY=1 once it runs, STOPPING=1 on SIGTERM), and WATCHDOG=1
# from its loop at half of WatchdogSec, none while the loop is stopped.
. "$(dirname "$0")/lib.sh"

need systemd-analyze python3
need_beacond
unit=$BEACON_SRC/systemd/beacond.service

# The unit as installed, but pointing at this build. User= and Group= are
# resolved when the service starts, so systemd-analyze does not need the
# beacon user to exist.
mkdir -p "$TMP/unit"
sed -e "s|^ExecStart=[^ ]*/beacond |ExecStart=$BEACOND |" \
    "$unit" >"$TMP/unit/beacond.service"
grep -q "^ExecStart=$BEACOND " "$TMP/unit/beacond.service" ||
	fail "no ExecStart=.../beacond line in $unit"
rc=0
systemd-analyze verify "$TMP/unit/beacond.service" >"$TMP/verify.log" 2>&1 ||
    rc=$?
# Complaints about other units (in a container, the system's own) are not
# ours; anything about this unit, or a failure, is.
if grep -q 'beacond' "$TMP/verify.log" || ((rc != 0)); then
	fail "systemd-analyze verify: exit $rc: $(cat "$TMP/verify.log")"
fi

# What the rest of the unit relies on.
key() {
	grep -qxF "$1" "$TMP/unit/beacond.service" ||
		fail "$unit has no line '$1'"
}
key 'Type=notify'
key 'WatchdogSec=30'
key 'StateDirectory=beacon'
# shellcheck disable=SC2016
key 'ExecReload=/bin/kill -HUP $MAINPID'
grep -q '^ExecStart=.* --db /var/lib/beacon/' "$TMP/unit/beacond.service" ||
	fail "the database is not in the StateDirectory"

# Type=notify: beacond must say READY=1, or systemd would time it out.
cat >"$TMP/notify.py" <<'PY'
import os, signal, socket, subprocess, sys, time

path, argv = sys.argv[1], sys.argv[2:]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
# WatchdogSec=0.4 s: beacond must send WATCHDOG=1 from its loop, and stop
# when its loop stops.
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
proc = subprocess.Popen(argv, env=env, stderr=open(path + ".log", "w"))

def expect(word, deadline):
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    while True:
        try:
            msg = sock.recv(4096).decode()
        except socket.timeout:
            sys.exit("no %s from beacond" % word)
        if word in msg.split("\n"):
            return

def count(word, secs):
    n, deadline = 0, time.monotonic() + secs
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            n += sock.recv(4096).decode().split("\n").count(word)
        except socket.timeout:
            pass
    return n

expect("READY=1", time.monotonic() + 5)
if count("WATCHDOG=1", 1.0) < 3:
    sys.exit("fewer than 3 WATCHDOG=1 in 1 s at WatchdogSec=0.4")
proc.send_signal(signal.SIGSTOP)
count("WATCHDOG=1", 0.3)  # what was sent before the stop
if count("WATCHDOG=1", 1.0) != 0:
    sys.exit("WATCHDOG=1 while the loop was stopped")
proc.send_signal(signal.SIGCONT)
expect("WATCHDOG=1", time.monotonic() + 2)
proc.send_signal(signal.SIGTERM)
expect("STOPPING=1", time.monotonic() + 5)
rc = proc.wait(timeout=5)
sys.exit(0 if rc == 0 else "beacond exited %d on SIGTERM" % rc)
PY
# No broker needed: beacond is ready once its loop runs, and keeps trying
# to connect.
python3 "$TMP/notify.py" "$TMP/notify.sock" "$BEACOND" -c "$CONF" \
    --broker "127.0.0.1:$(free_port)" --db "$TMP/beacon.db" ||
	fail "Type=notify: $(cat "$TMP/notify.sock.log")"
