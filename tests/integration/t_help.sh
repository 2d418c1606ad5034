#!/usr/bin/env bash
# Every option a command accepts is in its usage line, not only in the
# option list below it (the options every command takes are said once, in
# `beacon --help`), and every command is in the synopsis at the top of
# docs/cli.md. The option list of `beacon help COMMAND` is printed from the
# same table the parser reads, so it is what the parser accepts.
. "$(dirname "$0")/lib.sh"

need_cli
common=" broker prefix username cafile cert key help verbose "

cli top --help
expect_rc 0 "--help"
cmds=$(awk '/^commands:/ { on = 1; next } /^$/ { on = 0 }
    on && /^  [a-z]/ { print $1 }' "$TMP/top.out")
[ "$(wc -w <<<"$cmds")" -ge 20 ] || fail "commands in --help: $cmds"

# The synopsis: the first code block of docs/cli.md.
synopsis=$(awk '/^```/ { if (on) exit; on = 1; next } on' \
    "$BEACON_SRC/docs/cli.md")

bad=
for c in $cmds; do
	cli "help-$c" help "$c"
	expect_rc 0 "help $c"
	# The usage: from "usage:" to the first empty line.
	usage=$(awk '/^$/ { exit } { print }' "$TMP/help-$c.out")
	[[ $usage == "usage: beacon $c"* ]] || fail "help $c: $usage"
	opts=$(awk '/^options:/ { on = 1; next }
	    on && /^  --/ { sub(/^  --/, ""); print $1 }' "$TMP/help-$c.out")
	[ -n "$opts" ] || fail "help $c lists no options"
	for o in $opts; do
		[[ $common == *" $o "* ]] && continue
		grep -Eq -- "--$o([^a-z-]|\$)" <<<"$usage" ||
			bad+=" $c:--$o"
	done
	grep -Eq "^beacon ([a-z|-]*\|)?$c([ |]|\$)" <<<"$synopsis" ||
		bad+=" synopsis:$c"
done
[ -z "$bad" ] || fail "missing from the usage lines or docs/cli.md:$bad"
