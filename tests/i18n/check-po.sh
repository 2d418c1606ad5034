#!/usr/bin/env bash
# The C programs' translations against their source (docs/translation.md):
# every sentence marked in lib/, daemon/ and clients/ (T_, TN_, _, N_) must
# have a reviewed translation in each po/<lang>.po, and each catalog must
# pass msgfmt --check. Prints what is missing as "file:line: ..." and
# exits 1; msgcmp and msgfmt are Debian's gettext.
set -euo pipefail
src=${1:-${BEACON_SRC:-$(dirname "$0")/../..}}
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

find lib daemon clients -name '*.[ch]' | sort > "$tmp/files"
xgettext --from-code=UTF-8 --language=C -kT_:2 -kTN_:2,3 -k_ -kN_ \
	--flag=T_:2:c-format --flag=TN_:2:c-format --flag=TN_:3:c-format \
	--add-location=file --sort-by-file --force-po \
	-f "$tmp/files" -o "$tmp/beacon.pot"
n=$(grep -c '^msgid ' "$tmp/beacon.pot" || true)
rc=0
for po in po/*.po; do
	if ! msgfmt --check --statistics -o /dev/null "$po" 2>"$tmp/stat"; then
		cat "$tmp/stat" >&2
		rc=1
		continue
	fi
	if grep -q 'fuzzy\|untranslated' "$tmp/stat"; then
		echo "$po: $(cat "$tmp/stat"): review the fuzzy and translate" \
			"the untranslated" >&2
		rc=1
	fi
	if ! msgcmp "$po" "$tmp/beacon.pot" 2>"$tmp/cmp"; then
		sed 's/^/  /' "$tmp/cmp" >&2
		echo "$po: lacks sentences the source marks (above)" >&2
		rc=1
	fi
	echo "$po: $(tr -d "\n" <"$tmp/stat") for $((n - 1)) marked sentences"
done
exit $rc
