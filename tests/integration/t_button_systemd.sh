#!/usr/bin/env bash
# systemd/beacon-button@.service: systemd-analyze finds nothing wrong with
# an instance that starts the beacon-button just built, and the unit gives
# the button what it needs: its configuration by instance name, the input
# group and devices, and the directory of its default spool.
. "$(dirname "$0")/lib.sh"

need systemd-analyze
BUTTON=$BEACON_BUILD/beacon-button
[ -x "$BUTTON" ] || fail "$BUTTON is missing: build first"
unit=$BEACON_SRC/systemd/beacon-button@.service
inst=$TMP/unit/beacon-button@desk-3.service

mkdir -p "$TMP/unit"
sed -e "s|^ExecStart=[^ ]*/beacon-button |ExecStart=$BUTTON |" "$unit" >"$inst"
grep -q "^ExecStart=$BUTTON " "$inst" ||
	fail "no ExecStart=.../beacon-button line in $unit"
rc=0
systemd-analyze verify "$inst" >"$TMP/verify.log" 2>&1 || rc=$?
if grep -q 'beacon-button' "$TMP/verify.log" || ((rc != 0)); then
	fail "systemd-analyze verify: exit $rc: $(cat "$TMP/verify.log")"
fi

key() {
	grep -qxF "$1" "$inst" || fail "$unit has no line '$1'"
}
key "ExecStart=$BUTTON -c /etc/beacon/button/%i.conf"
key 'SupplementaryGroups=input'
key 'DeviceAllow=char-input r'
key 'StateDirectory=beacon-button'
key 'Restart=always'
# The default spool lives in the StateDirectory.
"$BUTTON" --check-config -c "$BEACON_SRC/conf/beacon-button.conf" |
    grep -q 'spool /var/lib/beacon-button/desk-3.spool$' ||
	fail "the default spool is not in /var/lib/beacon-button"
