#!/bin/sh
# gen-test-pki.sh - generate a throw-away test PKI with certtool (GnuTLS) for
# unit tests, end-to-end tests and `make run`.
#
# Usage: tests/pki/gen-test-pki.sh OUTDIR
#
# Writes into OUTDIR (created if needed):
#   ca-root.pem  ca-root-key.pem       self-signed root CA (RSA 2048)
#   ca-inter.pem ca-inter-key.pem      intermediate CA signed by the root
#   ca-bundle.pem                      root + intermediate (a ca-certificate file)
#   sbc-cert.pem sbc-key.pem           leaf "sbc.test.example" signed by the
#                                      intermediate (RSA 2048, key mode 0600),
#                                      SAN DNS sbc.test.example, IP 127.0.0.1
#   sbc-cert.der sbc-key.der           the same in DER
#   sbc-chain.pem                      leaf + intermediate
#   sbc-ec-cert.pem sbc-ec-key.pem     ECDSA P-384 leaf "sbc-ec.test.example"
#   peer-cert.pem peer-key.pem         a second leaf "peer.test.example" (for TLS peers)
#   expired-cert.pem expired-key.pem   leaf valid 2020-01-01 .. 2021-01-01 only
#   revoked-cert.pem revoked-key.pem   leaf with serial 0x2002, revoked by crl.pem
#   crl.pem                            CRL of the intermediate revoking 0x2002
#   wrong-key.pem                      an RSA key matching no certificate
# Added for the TLS tests (sip/tls.c), each leaf with its key:
#   notyet-cert.pem                    leaf valid 2099-01-01 .. 2100-01-01 only
#   badname-cert.pem                   leaf "wrong.test.example" (SAN DNS wrong.test.example)
#   client-cert.pem                    client leaf "client.test.example"
#   sbc-p256-cert.pem                  ECDSA P-256 leaf "sbc-p256.test.example"
#   ca-inter2.pem ca-inter2-key.pem    a second intermediate of the root, in no bundle
#   orphan-cert.pem                    leaf "orphan.test.example" signed by ca-inter2
#                                      (sent alone: "missing intermediate")
#   ca-other.pem ca-other-key.pem      an unrelated self-signed root ("unknown CA")
#   NAME-chain.pem                     leaf + ca-inter.pem for expired, notyet, revoked,
#                                      badname, client, sbc-ec, sbc-p256, peer
# Serials: root 01, intermediate 02, other root 03, intermediate 2 04, sbc 1001,
# sbc-ec 1002, peer 1003, client 1004, sbc-p256 1005, expired 2001, revoked 2002,
# notyet 2003, badname 2004, orphan 2005.
#
# Idempotent: when OUTDIR already holds a complete set (stamp file
# .gen-test-pki), nothing is regenerated.
set -eu

out=${1:?usage: $0 OUTDIR}
stamp="$out/.gen-test-pki"
complete=1
for f in ca-root.pem ca-inter.pem ca-bundle.pem sbc-cert.pem sbc-key.pem sbc-chain.pem \
	sbc-ec-cert.pem expired-cert.pem revoked-cert.pem crl.pem wrong-key.pem \
	notyet-chain.pem badname-chain.pem client-chain.pem sbc-p256-chain.pem orphan-cert.pem \
	ca-other.pem expired-chain.pem revoked-chain.pem; do
	[ -f "$out/$f" ] || complete=0
done
if [ -f "$stamp" ] && [ $complete = 1 ]; then
	exit 0
fi
command -v certtool >/dev/null 2>&1 || { echo "$0: certtool not found (apt-get install gnutls-bin)" >&2; exit 1; }
mkdir -p "$out"
umask 077
tmp=$(mktemp -d "$out/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

ct() { certtool "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }; }

key() { # key FILE [ecdsa | ecdsa256]
	if [ "${2:-}" = ecdsa ]; then
		ct --generate-privkey --key-type=ecdsa --curve=secp384r1 --outfile "$1"
	elif [ "${2:-}" = ecdsa256 ]; then
		ct --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$1"
	else
		ct --generate-privkey --key-type=rsa --bits=2048 --outfile "$1"
	fi
}

# CA templates
cat >"$tmp/root.tmpl" <<EOF
cn = "Tollgate Test Root CA"
organization = "Tollgate Test"
serial = 01
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOF
cat >"$tmp/inter.tmpl" <<EOF
cn = "Tollgate Test Intermediate CA"
organization = "Tollgate Test"
serial = 02
expiration_days = 3650
ca
path_len = 0
cert_signing_key
crl_signing_key
EOF

leaf_tmpl() { # leaf_tmpl FILE CN SERIAL [extra lines]
	{
		echo "cn = \"$2\""
		echo "organization = \"Tollgate Test\""
		echo "serial = $3"
		echo "dns_name = \"$2\""
		echo "ip_address = \"127.0.0.1\""
		echo "tls_www_server"
		echo "tls_www_client"
		echo "signing_key"
		echo "encryption_key"
		shift 3
		for l in "$@"; do echo "$l"; done
	} >"$1"
}

key "$tmp/ca-root-key.pem"
ct --generate-self-signed --load-privkey "$tmp/ca-root-key.pem" --template "$tmp/root.tmpl" \
	--outfile "$tmp/ca-root.pem"
key "$tmp/ca-inter-key.pem"
ct --generate-certificate --load-privkey "$tmp/ca-inter-key.pem" --template "$tmp/inter.tmpl" \
	--load-ca-certificate "$tmp/ca-root.pem" --load-ca-privkey "$tmp/ca-root-key.pem" \
	--outfile "$tmp/ca-inter.pem"

signer=ca-inter
sign() { # sign NAME CN SERIAL [keytype] [extra template lines...]; CA is $signer
	name=$1 cn=$2 serial=$3 kt=${4:-rsa}
	shift 3
	[ $# -gt 0 ] && shift
	key "$tmp/$name-key.pem" "$kt"
	leaf_tmpl "$tmp/$name.tmpl" "$cn" "$serial" "$@"
	ct --generate-certificate --load-privkey "$tmp/$name-key.pem" --template "$tmp/$name.tmpl" \
		--load-ca-certificate "$tmp/$signer.pem" --load-ca-privkey "$tmp/$signer-key.pem" \
		--outfile "$tmp/$name-cert.pem"
}

sign sbc sbc.test.example 0x1001 rsa "expiration_days = 825"
sign sbc-ec sbc-ec.test.example 0x1002 ecdsa "expiration_days = 825"
sign peer peer.test.example 0x1003 rsa "expiration_days = 825"
sign expired expired.test.example 0x2001 rsa \
	'activation_date = "2020-01-01 00:00:00 UTC"' 'expiration_date = "2021-01-01 00:00:00 UTC"'
sign revoked revoked.test.example 0x2002 rsa "expiration_days = 825"
key "$tmp/wrong-key.pem"

# TLS test material: not yet valid, wrong name, client, P-256, orphan, other root.
sign notyet notyet.test.example 0x2003 rsa \
	'activation_date = "2099-01-01 00:00:00 UTC"' 'expiration_date = "2100-01-01 00:00:00 UTC"'
sign badname wrong.test.example 0x2004 rsa "expiration_days = 825"
sign client client.test.example 0x1004 rsa "expiration_days = 825"
sign sbc-p256 sbc-p256.test.example 0x1005 ecdsa256 "expiration_days = 825"
sed -e 's/Intermediate CA/Intermediate 2 CA/' -e 's/^serial = 02/serial = 04/' \
	"$tmp/inter.tmpl" >"$tmp/inter2.tmpl"
key "$tmp/ca-inter2-key.pem"
ct --generate-certificate --load-privkey "$tmp/ca-inter2-key.pem" --template "$tmp/inter2.tmpl" \
	--load-ca-certificate "$tmp/ca-root.pem" --load-ca-privkey "$tmp/ca-root-key.pem" \
	--outfile "$tmp/ca-inter2.pem"
signer=ca-inter2
sign orphan orphan.test.example 0x2005 rsa "expiration_days = 825"
signer=ca-inter
sed -e 's/Test Root CA/Other Root CA/' -e 's/^serial = 01/serial = 03/' \
	"$tmp/root.tmpl" >"$tmp/other.tmpl"
key "$tmp/ca-other-key.pem"
ct --generate-self-signed --load-privkey "$tmp/ca-other-key.pem" --template "$tmp/other.tmpl" \
	--outfile "$tmp/ca-other.pem"

cat >"$tmp/crl.tmpl" <<EOF
crl_next_update = 30
crl_number = 1
EOF
ct --generate-crl --load-ca-certificate "$tmp/ca-inter.pem" --load-ca-privkey "$tmp/ca-inter-key.pem" \
	--load-certificate "$tmp/revoked-cert.pem" --template "$tmp/crl.tmpl" --outfile "$tmp/crl.pem"

cat "$tmp/sbc-cert.pem" "$tmp/ca-inter.pem" >"$tmp/sbc-chain.pem"
cat "$tmp/ca-root.pem" "$tmp/ca-inter.pem" >"$tmp/ca-bundle.pem"
for n in expired notyet revoked badname client sbc-ec sbc-p256 peer; do
	cat "$tmp/$n-cert.pem" "$tmp/ca-inter.pem" >"$tmp/$n-chain.pem"
done
ct --certificate-info --infile "$tmp/sbc-cert.pem" --outder --outfile "$tmp/sbc-cert.der"
ct --key-info --infile "$tmp/sbc-key.pem" --outder --outfile "$tmp/sbc-key.der"

# certtool writes "Public Key Info" text before the PEM; keep only the PEM blocks.
for f in "$tmp"/*.pem; do
	sed -n '/^-----BEGIN/,/^-----END/p' "$f" >"$f.clean" && mv "$f.clean" "$f"
done

# Public material readable by all, private keys by the owner only.
chmod 644 "$tmp"/*.pem "$tmp"/*.der
chmod 600 "$tmp"/*-key.pem "$tmp"/*-key.der
for f in "$tmp"/*.pem "$tmp"/*.der; do
	mv -f "$f" "$out/"
done
: >"$stamp"
