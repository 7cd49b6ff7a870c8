#!/bin/sh
# Makes the files this example works on. TEST MATERIAL ONLY: the "trusted
# authority" here is a throw-away test CA made on the spot, whose keys are
# deleted when the script ends; nothing it signs is trusted anywhere.
#
#   certs/HOST.crt, certs/HOST.key   the certificate "bought" for HOST, and
#                                    the key made with its request
#   certs/chain.pem                  the CA's intermediate, as CAs deliver it
#   certs/HOST.pfx                   the same as PKCS#12 (password
#                                    $PFX_PASSWORD, default Import-Pass-2026)
#   certs/test-root-ca.crt           the test root, for openssl verify
#   api/ssl/server.crt, server.key   the self-signed certificate the FLOWFACT
#                                    API installation ships with (kept if
#                                    they exist)
#
# Usage: [DAYS=397] sh make-test-certs.sh [HOST]
# (DAYS is the server certificate's validity: a short one shows the
# warning certform gives before an imported certificate expires.)
set -eu
cd "$(dirname "$0")"
host=${1:-immo.example.test}
mkdir -p certs api/ssl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The authority: a root and the intermediate that issues server certificates.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
  -keyout "$tmp/root.key" -out certs/test-root-ca.crt -days 3650 \
  -subj "/O=Example Trust Services (TEST ONLY)/CN=Example Trust Test Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$tmp/ca.key" -out "$tmp/ca.csr" \
  -subj "/O=Example Trust Services (TEST ONLY)/CN=Example Trust Test TLS CA" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$tmp/ca.ext"
openssl x509 -req -in "$tmp/ca.csr" -CA certs/test-root-ca.crt -CAkey "$tmp/root.key" \
  -CAserial "$tmp/root.srl" -CAcreateserial -days 1825 -extfile "$tmp/ca.ext" -out certs/chain.pem 2>/dev/null

# The server certificate: the key and request are made here, as the
# operator does; the authority signs the request (397 days, see seed 004).
days=${DAYS:-397}
openssl req -new -newkey rsa:2048 -nodes -keyout "certs/$host.key" -out "$tmp/server.csr" \
  -subj "/O=Example Immobilien GmbH/CN=$host" 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:www.%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
  "$host" "$host" >"$tmp/server.ext"
openssl x509 -req -in "$tmp/server.csr" -CA certs/chain.pem -CAkey "$tmp/ca.key" \
  -CAserial "$tmp/ca.srl" -CAcreateserial -days "$days" -extfile "$tmp/server.ext" -out "certs/$host.crt" 2>/dev/null
chmod 600 "certs/$host.key"

# The same delivered as a .pfx.
openssl pkcs12 -export -in "certs/$host.crt" -inkey "certs/$host.key" -certfile certs/chain.pem \
  -name "$host" -passout "pass:${PFX_PASSWORD:-Import-Pass-2026}" -out "certs/$host.pfx"

# What the installation ships with.
if [ ! -f api/ssl/server.crt ]; then
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout api/ssl/server.key -out api/ssl/server.crt \
    -days 3650 -subj "/CN=FLOWFACT API (self-signed)" 2>/dev/null
  chmod 600 api/ssl/server.key
fi
echo "test certificates for $host written to certs/ (TEST ONLY)"
