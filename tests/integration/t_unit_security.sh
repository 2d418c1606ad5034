#!/usr/bin/env bash
# systemd/beacond.service and systemd/beacon-button@.service stay
# hardened: `systemd-analyze security --offline=true` rates beacond's
# exposure below 2.0 and the button's at 1.3 at most, what the units
# reached (docs/security.md lists what is left and why). That the units
# are valid, with every option spelled right, is t_systemd's and
# t_button_systemd's `systemd-analyze verify`.
. "$(dirname "$0")/lib.sh"

need systemd-analyze awk

# The exposure of one unit file, from "→ Overall exposure level for
# NAME: 1.1 OK"; the whole report in $TMP/NAME.security.
exposure() {
	local f=$1 name=${1##*/} rc=0

	systemd-analyze security --offline=true "$f" \
	    >"$TMP/$name.security" 2>&1 || rc=$?
	if grep -q 'offline' "$TMP/$name.security" &&
	    ! grep -q 'Overall exposure level' "$TMP/$name.security"; then
		fail "this systemd-analyze has no --offline (systemd 250+)"
	fi
	awk -v n="$name" '$0 ~ "Overall exposure level for " n ": " {
		sub(/.*: /, ""); print $1; found = 1 }
	    END { exit !found }' "$TMP/$name.security" ||
		fail "systemd-analyze security $name: exit $rc, no overall" \
		    "exposure: $(cat "$TMP/$name.security")"
}

# at_most GOT MAX: GOT <= MAX, as decimals.
at_most() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'
}

# Exposures the unit does not avoid, for the failure message.
open_items() {
	grep '✗' "$TMP/$1.security" || true
}

mkdir -p "$TMP/unit"
cp "$BEACON_SRC/systemd/beacond.service" "$TMP/unit/"
# An instance, as systemd would load it.
cp "$BEACON_SRC/systemd/beacon-button@.service" \
    "$TMP/unit/beacon-button@desk-3.service"

got=$(exposure "$TMP/unit/beacond.service")
say "beacond.service: overall exposure $got"
# Below 2.0: 1.9 at most, with one decimal.
at_most "$got" 1.9 ||
	fail "beacond.service: exposure $got, not below 2.0:
$(open_items beacond.service)"

got=$(exposure "$TMP/unit/beacon-button@desk-3.service")
say "beacon-button@.service: overall exposure $got"
at_most "$got" 1.3 ||
	fail "beacon-button@.service: exposure $got, above 1.3:
$(open_items beacon-button@desk-3.service)"
