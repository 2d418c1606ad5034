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
# WATCHDOG=1 comes from a timer of beacond's loop; what is checked here is
# what can be told apart whatever the machine's load: that it keeps coming,
# never more often than half of WatchdogSec (a timer fires late, never
# early), stops while the loop is stopped and comes again when it runs.
# Deadlines are generous: they are for a message that never comes.
cat >"$TMP/notify.py" <<'PY'
import atexit, os, signal, socket, subprocess, sys, time

path, argv = sys.argv[1], sys.argv[2:]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
WD = 0.4  # WatchdogSec, in seconds: WATCHDOG=1 is due every WD / 2
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(int(WD * 1e6)))
proc = subprocess.Popen(argv, env=env, stderr=open(path + ".log", "w"))
# A check that fails must not leave beacond behind, stopped or running.
atexit.register(lambda: proc.poll() is None and proc.kill())

def recv(deadline):
    """The next message's lines, or None once the deadline has passed."""
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        return sock.recv(4096).decode().split("\n")
    except socket.timeout:
        return None

def expect(word, secs, n=1):
    """Wait for n messages with word; fail after secs."""
    deadline = time.monotonic() + secs
    while n > 0:
        lines = recv(deadline)
        if lines is None:
            sys.exit("no %s from beacond within %g s" % (word, secs))
        n -= lines.count(word)

def drain():
    """Every message already queued; how many of them say WATCHDOG=1."""
    sock.setblocking(False)
    n = 0
    try:
        while True:
            n += sock.recv(4096).decode().split("\n").count("WATCHDOG=1")
    except BlockingIOError:
        pass
    sock.setblocking(True)
    return n

def stopped(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "T"

expect("READY=1", 30)
expect("WATCHDOG=1", 30, 3)
# Not more often than every WD / 2. Over 2 s, counted from before the
# queue is emptied to when counting stops, a timer that fires late but
# never early sends at most 2 / (WD / 2) + 2. A slow machine only makes
# it fewer; a message that is read after the 2 s is not counted.
t_a = time.monotonic()
drain()
t_b = t_a + 2.0
n = 0
while True:
    lines = recv(t_b)
    if lines is None or time.monotonic() > t_b:
        break
    n += lines.count("WATCHDOG=1")
most = int(2.0 / (WD / 2)) + 2
if n > most:
    sys.exit("%d WATCHDOG=1 in 2 s, more than %d: more often than every "
             "%g s (half of WatchdogSec=%g)" % (n, most, WD / 2, WD))
# None while the loop is stopped: once the process is stopped, what it
# sent before is all queued; then 3 intervals without any.
proc.send_signal(signal.SIGSTOP)
deadline = time.monotonic() + 30
while not stopped(proc.pid):
    if time.monotonic() > deadline:
        sys.exit("beacond did not stop on SIGSTOP")
    time.sleep(0.01)
drain()
deadline = time.monotonic() + 3 * WD / 2
while True:
    lines = recv(deadline)
    if lines is None:
        break
    if "WATCHDOG=1" in lines:
        sys.exit("WATCHDOG=1 while the loop was stopped")
proc.send_signal(signal.SIGCONT)
expect("WATCHDOG=1", 30)
proc.send_signal(signal.SIGTERM)
expect("STOPPING=1", 30)
rc = proc.wait(timeout=30)
sys.exit(0 if rc == 0 else "beacond exited %d on SIGTERM" % rc)
PY
# No broker needed: beacond is ready once its loop runs, and keeps trying
# to connect.
python3 "$TMP/notify.py" "$TMP/notify.sock" "$BEACOND" -c "$CONF" \
    --broker "127.0.0.1:$(free_port)" --db "$TMP/beacon.db" \
    2>"$TMP/notify.err" ||
	fail "Type=notify: $(cat "$TMP/notify.err")"
