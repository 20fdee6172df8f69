#!/bin/sh
# make-certs.sh DIR: write a throwaway CA and a server certificate for the
# test suite into DIR (created if missing), with the openssl command:
#   ca.pem, ca.key          the CA (self-signed, 30 days)
#   server.pem, server.key  CN localhost, SAN localhost, 127.0.0.1 and ::1,
#                           signed by the CA
#   chain.pem               server.pem then ca.pem (a chain file)
# EC P-256 keys: quick to make.  Nothing here is fit for real use.
set -eu
if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
if ! command -v openssl >/dev/null 2>&1; then
	echo "$0: needs the openssl command (Debian: openssl)" >&2
	exit 1
fi
mkdir -p "$dir"
umask 077
# Our own configuration only: the caller's must not change the result.
cnf=$dir/make-certs.cnf
cat >"$cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
OPENSSL_CONF=$cnf
export OPENSSL_CONF

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/ca.key"
openssl req -config "$cnf" -new -x509 -sha256 -days 30 \
    -key "$dir/ca.key" -subj "/CN=ftpd test CA" -extensions ca \
    -out "$dir/ca.pem"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/server.key"
openssl req -config "$cnf" -new -sha256 -key "$dir/server.key" \
    -subj "/CN=localhost" -out "$dir/server.csr"
openssl x509 -req -sha256 -days 30 -in "$dir/server.csr" \
    -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -CAserial "$dir/ca.srl" -extfile "$cnf" -extensions server \
    -out "$dir/server.pem" 2>"$dir/x509.err" || {
	cat "$dir/x509.err" >&2
	exit 1
}
cat "$dir/server.pem" "$dir/ca.pem" >"$dir/chain.pem"
rm -f "$dir/server.csr" "$dir/ca.srl" "$dir/x509.err" "$cnf"
# Only the keys are secret; tests may read the rest as any user.
chmod 644 "$dir/ca.pem" "$dir/server.pem" "$dir/chain.pem"
openssl verify -CAfile "$dir/ca.pem" -purpose sslserver \
    "$dir/server.pem" >/dev/null
