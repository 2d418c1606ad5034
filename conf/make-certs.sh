#!/bin/sh
# make certs: a private certificate authority for a site that has none, and
# the certificates Beacon's broker and clients need (docs/security.md, TLS).
#
#   CERTS_DIR      where they go (default var/certs)
#   CERTS_HOSTS    the broker's names and addresses, separated by spaces
#                  (default: this machine's full name, localhost, 127.0.0.1)
#   CERTS_CLIENTS  client certificates to make besides beacond's, by name:
#                  "central crisis-1"
#   CERTS_DAYS     how long the certificates are valid (default 825 days;
#                  the CA: 10 years)
#
# It makes, each only if it is not there yet (so running it again adds what
# is missing and never replaces the CA, which every client trusts):
#
#   ca.crt ca.key            the CA; give ca.crt to every client
#   server.crt server.key    the broker's, for its TLS listeners
#   NAME.crt NAME.key        a client's: beacond's, then each of CERTS_CLIENTS
#
# Keys are made readable by their owner only (0600). Elliptic-curve keys
# (P-256), which mosquitto, libmosquitto and browsers all accept.
set -eu

dir=${CERTS_DIR:-var/certs}
days=${CERTS_DAYS:-825}
clients="beacond ${CERTS_CLIENTS:-}"
if [ -n "${CERTS_HOSTS:-}" ]; then
	hosts=$CERTS_HOSTS
else
	hosts="$(hostname -f 2>/dev/null || hostname) localhost 127.0.0.1"
fi

say() {
	echo "make-certs: $*"
}

die() {
	echo "make-certs: $*" >&2
	exit 1
}

command -v openssl >/dev/null 2>&1 ||
	die "openssl is not installed (Debian: apt-get install openssl)"
for c in $clients; do
	case $c in
	ca | server) die "\"$c\" names the CA's or the broker's files:" \
	    "give the client another name" ;;
	*[!A-Za-z0-9._:-]* | .*) die "\"$c\" is not a name for a client" \
	    "certificate: letters, digits, '.', '_', ':' and '-' only" ;;
	esac
done

mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A new P-256 key, readable by its owner only.
newkey() {
	(umask 077 && openssl genpkey -algorithm EC \
	    -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null) ||
		die "cannot make the key $1"
	chmod 0600 "$1"
}

serial() {
	echo "0x$(openssl rand -hex 16)"
}

# The subjectAltName of the broker: IP: for addresses, DNS: for names.
san() {
	local_san=""
	for h in $hosts; do
		case $h in
		*:*) kind=IP ;;
		*[!0-9.]*) kind=DNS ;;
		*) kind=IP ;;
		esac
		local_san="${local_san:+$local_san,}$kind:$h"
	done
	echo "$local_san"
}

# sign NAME CN EXTENSIONS: NAME.crt for NAME.key, signed by the CA.
sign() {
	printf '%s\n' "$3" >"$tmp/ext"
	openssl req -new -key "$dir/$1.key" -subj "/CN=$2" \
	    -out "$tmp/$1.csr" 2>/dev/null &&
	    openssl x509 -req -in "$tmp/$1.csr" -CA "$dir/ca.crt" \
	    -CAkey "$dir/ca.key" -set_serial "$(serial)" -days "$days" \
	    -sha256 -extfile "$tmp/ext" -out "$dir/$1.crt" 2>/dev/null ||
		die "cannot sign $dir/$1.crt"
	chmod 0644 "$dir/$1.crt"
}

# ---- the CA ----------------------------------------------------------------

if [ -e "$dir/ca.crt" ]; then
	say "$dir/ca.crt: kept (an existing CA is never replaced)"
else
	[ ! -e "$dir/ca.key" ] ||
		die "$dir/ca.key exists without ca.crt: move it away first"
	newkey "$dir/ca.key"
	openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 \
	    -subj "/CN=Beacon private CA $(hostname)" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    -out "$dir/ca.crt" 2>/dev/null || die "cannot make $dir/ca.crt"
	chmod 0644 "$dir/ca.crt"
	say "$dir/ca.crt: a new CA; give this file to every client"
fi

# made NAME: whether NAME.crt and NAME.key are both there already.
made() {
	if [ -e "$dir/$1.crt" ] && [ -e "$dir/$1.key" ]; then
		say "$dir/$1.crt: kept"
		return 0
	fi
	[ -e "$dir/ca.key" ] ||
		die "$dir/ca.key is missing: cannot sign $1.crt with this CA"
	return 1
}

# ---- the broker ------------------------------------------------------------

if ! made server; then
	newkey "$dir/server.key"
	set -- $hosts
	sign server "$1" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$(san)"
	say "$dir/server.crt: the broker's, for $(san)"
fi

# ---- the clients -----------------------------------------------------------

for c in $clients; do
	made "$c" && continue
	newkey "$dir/$c.key"
	sign "$c" "$c" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
	say "$dir/$c.crt: a client certificate for $c"
done
