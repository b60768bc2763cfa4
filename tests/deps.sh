#!/bin/sh
# deps.sh - install the Debian packages Tollgate builds and tests with (idempotent, quiet).
# Called by `make deps`, hence by `make run` and `make check`.
set -e
PKGS="build-essential pkg-config clang libgnutls28-dev nettle-dev libsrtp2-dev libyaml-dev libreadline-dev liburing-dev
      libcmocka-dev libclang-rt-14-dev python3 python3-pytest gnutls-bin openssh-server
      libc-ares-dev dnsmasq-base
      openssh-client procps
      baresip-core sox tcpdump sip-tester kamailio kamailio-tls-modules openssl iproute2 util-linux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
