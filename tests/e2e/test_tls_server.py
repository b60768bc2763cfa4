"""test_tls_server.py - Tollgate's TLS listener as seen by gnutls-cli and openssl
s_client (issue 3, "TLS (sip/tls.c)" and "Tests": TLS interop, negative matrix).

Each test starts its own core (ports from sipphelp.free_port, 127.0.0.1 only) with
the session's test PKI (conftest.tls_pki): trustpoint SBC = sbc-chain.pem (leaf +
intermediate) and ca-bundle.pem.  The clients are run with a bounded timeout and
stdin closed, so they do one handshake and exit.
"""
import re
import time

import pytest

from conftest import handshake_failures_logged, tls_client, tls_counters, tls_failed_handshakes
from sipphelp import lab  # noqa: F401

LOCAL = "127.0.0.1"


def trustpoints(pki, crl=False):
    return (f"crypto pki trustpoint SBC\n"
            f" revocation-check {'crl' if crl else 'none'}\n"
            f" certificate file {pki}/sbc-chain.pem\n"
            f" private-key file {pki}/sbc-key.pem\n"
            f" ca-certificate file {pki}/ca-bundle.pem\n"
            f"!\n"
            f"crypto pki trustpoint CLIENTCA\n"
            f" revocation-check none\n"
            f" ca-certificate file {pki}/ca-bundle.pem\n"
            f"!\n")


def start(lab, pki, version="v1.2", sipua=(), classes=""):
    extra = trustpoints(pki) + classes + "sip-ua\n"
    extra += f" transport tcp tls {version}\n" if version else " transport tcp tls\n"
    sipua = list(sipua) or [" crypto signaling default trustpoint SBC"]
    extra += "\n".join(sipua) + "\n!\n"
    core = lab.start_core(extra=extra)
    rc = core.sh("show running-config").stdout
    for line in sipua:
        assert line.strip() in rc, f"{line!r} not in the running-config:\n{rc}\n{core.log_text()[-3000:]}"
    return core


# ---------------------------------------------------------------------------
# clients

def gnutls(lab, pki, priority, extra=()):
    return tls_client(["gnutls-cli", "--x509cafile", f"{pki}/ca-root.pem", "--priority", priority,
                       "-p", lab.tls_port, *extra, LOCAL])


def sclient(lab, pki, *opts):
    return tls_client(["openssl", "s_client", "-connect", f"{LOCAL}:{lab.tls_port}",
                       "-CAfile", f"{pki}/ca-root.pem", *opts])


def ok_gnutls(rc, out):
    return rc == 0 and "Handshake was completed" in out


def s_protocol(out):
    m = re.search(r"^New, (\S+), Cipher is (\S+)", out, re.M)
    return m.group(1) if m else None


def s_cipher(out):
    m = re.search(r"^New, (\S+), Cipher is (\S+)", out, re.M)
    return m.group(2) if m else None


def s_handshake_ok(out):
    c = s_cipher(out)
    return c is not None and c not in ("0000", "(NONE)")


PRIO12 = "NORMAL:-VERS-ALL:+VERS-TLS1.2"
PRIO13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3"


def logged_count(core, lab, reason, want, timeout=3.0):
    """How many times `reason` was logged for the listener, waiting up to timeout
    for it to reach `want` (the core logs just after the client gives up)."""
    end = time.monotonic() + timeout
    n = handshake_failures_logged(core, local_port=lab.tls_port).count(reason)
    while n < want and time.monotonic() < end:
        time.sleep(0.05)
        n = handshake_failures_logged(core, local_port=lab.tls_port).count(reason)
    return n


def expect_server_failure(core, lab, reason, before):
    """The core logged `reason` once more for its listener, listed it in the failed
    handshakes as inbound, and counted a server handshake failure."""
    # the core logs the failure right after the client gives up: allow it a moment
    end = time.monotonic() + 3
    logged = handshake_failures_logged(core, local_port=lab.tls_port)
    while reason not in logged and time.monotonic() < end:
        time.sleep(0.05)
        logged = handshake_failures_logged(core, local_port=lab.tls_port)
    assert logged.count(reason) >= 1, f"log reasons {logged}:\n{core.log_text()[-3000:]}"
    rows = [r for r in tls_failed_handshakes(core) if r["direction"] == "inbound"]
    assert any(r["reason"] == reason for r in rows), rows
    after = tls_counters(core)
    assert after["server"] is not None and after["server"] > before["server"], (before, after)


# ---------------------------------------------------------------------------
# versions

def test_v12_only_accepts_12_refuses_13_and_11(lab, tls_pki):
    core = start(lab, tls_pki, "v1.2")
    rc, out = gnutls(lab, tls_pki, PRIO12)
    assert ok_gnutls(rc, out), out
    assert "(TLS1.2" in out, out

    before = tls_counters(core)
    rc, out = gnutls(lab, tls_pki, PRIO13)
    assert rc != 0 and "Error in protocol version" in out, out
    expect_server_failure(core, lab, "protocol version", before)
    n13 = handshake_failures_logged(core, local_port=lab.tls_port).count("protocol version")

    # a TLS 1.1-only client (OpenSSL needs security level 0 to offer 1.1 at all)
    before = tls_counters(core)
    rc, out = sclient(lab, tls_pki, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
    assert "alert protocol version" in out and not s_handshake_ok(out), out
    expect_server_failure(core, lab, "protocol version", before)
    assert logged_count(core, lab, "protocol version", n13 + 1) == n13 + 1

    # and openssl with TLS 1.3 only
    rc, out = sclient(lab, tls_pki, "-tls1_3")
    assert "alert protocol version" in out and not s_handshake_ok(out), out

    # TLS 1.2 through openssl
    rc, out = sclient(lab, tls_pki, "-tls1_2")
    assert s_protocol(out) == "TLSv1.2" and s_handshake_ok(out), out


def test_v13_only(lab, tls_pki):
    core = start(lab, tls_pki, "v1.3")
    rc, out = gnutls(lab, tls_pki, PRIO13)
    assert ok_gnutls(rc, out) and "(TLS1.3" in out, out
    before = tls_counters(core)
    rc, out = gnutls(lab, tls_pki, PRIO12)
    assert rc != 0 and "Error in protocol version" in out, out
    expect_server_failure(core, lab, "protocol version", before)
    rc, out = sclient(lab, tls_pki, "-tls1_3")
    assert s_protocol(out) == "TLSv1.3" and s_handshake_ok(out), out


def test_v12_minimum_accepts_12_and_13(lab, tls_pki):
    core = start(lab, tls_pki, "v1.2 minimum")
    rc, out = gnutls(lab, tls_pki, PRIO12)
    assert ok_gnutls(rc, out) and "(TLS1.2" in out, out
    rc, out = gnutls(lab, tls_pki, PRIO13)
    assert ok_gnutls(rc, out) and "(TLS1.3" in out, out
    # TLS 1.1 is never accepted
    rc, out = sclient(lab, tls_pki, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
    assert not s_handshake_ok(out), out
    assert tls_failed_handshakes(core)[-1]["reason"] == "protocol version"


# ---------------------------------------------------------------------------
# chain and CertificateRequest

def test_chain_sent_and_no_certificate_request(lab, tls_pki):
    core = start(lab, tls_pki, "v1.2")
    rc, out = sclient(lab, tls_pki, "-showcerts")
    assert s_handshake_ok(out), out
    subjects = re.findall(r"^\s*(\d+) s:(.*)$", out, re.M)
    assert [s[0] for s in subjects] == ["0", "1"], out
    assert "CN = sbc.test.example" in subjects[0][1], subjects
    assert "CN = Tollgate Test Intermediate CA" in subjects[1][1], subjects
    assert out.count("-----BEGIN CERTIFICATE-----") == 2, out
    assert "Verify return code: 0 (ok)" in out, out
    assert "No client certificate CA names sent" in out, out
    assert "Acceptable client certificate CA names" not in out, out
    # the core says so too
    st = core.sh("show sip-ua status").stdout
    assert re.search(r"Inbound TLS client certificate: not requested", st), st


def test_client_vtp_requests_and_requires_certificate(lab, tls_pki):
    core = start(lab, tls_pki, "v1.2",
                 sipua=[" crypto signaling default trustpoint SBC client-vtp CLIENTCA"])
    before = tls_counters(core)
    rc, out = sclient(lab, tls_pki)
    assert "Acceptable client certificate CA names" in out, out
    names = out.split("Acceptable client certificate CA names", 1)[1].split("---", 1)[0]
    assert "Tollgate Test Root CA" in names and "Tollgate Test Intermediate CA" in names, names
    assert "No client certificate CA names sent" not in out, out
    # TLS 1.2: the server's alert arrives during the handshake
    assert not s_handshake_ok(out) or "alert" in out, out
    expect_server_failure(core, lab, "client certificate required but not sent", before)

    # with the client certificate of the test PKI the handshake succeeds
    rc, out = sclient(lab, tls_pki, "-cert", f"{tls_pki}/client-cert.pem",
                      "-key", f"{tls_pki}/client-key.pem", "-cert_chain", f"{tls_pki}/ca-inter.pem")
    assert s_handshake_ok(out) and s_protocol(out) == "TLSv1.2", out
    rc, out = gnutls(lab, tls_pki, PRIO12, ["--x509certfile", f"{tls_pki}/client-chain.pem",
                                             "--x509keyfile", f"{tls_pki}/client-key.pem"])
    assert ok_gnutls(rc, out), out


# ---------------------------------------------------------------------------
# curves

PROFILE_P384 = ("voice class tls-profile 1\n"
                " trustpoint SBC\n"
                " ecdh-curve secp384r1\n"
                "!\n")
ECDHE_ONLY = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"


def test_curve_secp384r1_only(lab, tls_pki):
    core = start(lab, tls_pki, "v1.2", sipua=[" crypto signaling default tls-profile 1"],
                 classes=PROFILE_P384)
    before = tls_counters(core)
    # ECDHE suites only: otherwise the server may legitimately fall back to an RSA
    # key-exchange suite of the BYOC list, which needs no curve at all.
    rc, out = sclient(lab, tls_pki, "-tls1_2", "-cipher", ECDHE_ONLY, "-groups", "P-256")
    assert not s_handshake_ok(out), out
    expect_server_failure(core, lab, "no shared curve", before)

    rc, out = sclient(lab, tls_pki, "-tls1_2", "-cipher", ECDHE_ONLY, "-groups", "P-256:P-384")
    assert s_handshake_ok(out), out
    assert re.search(r"Server Temp Key: ECDH, (secp384r1|P-384), 384 bits", out), out

    rc, out = gnutls(lab, tls_pki, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-SECP384R1")
    assert ok_gnutls(rc, out) and "ECDHE-SECP384R1" in out, out
    rc, out = gnutls(lab, tls_pki, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-X25519:-KX-ALL:+ECDHE-RSA")
    assert not ok_gnutls(rc, out), out
    assert logged_count(core, lab, "no shared curve", 2) == 2


# ---------------------------------------------------------------------------
# ciphers

def cipher_classes(first, second):
    return ("voice class tls-cipher 7\n"
            f" cipher 1 {first}\n"
            f" cipher 2 {second}\n"
            "!\n"
            "voice class tls-profile 1\n"
            " trustpoint SBC\n"
            " cipher 7\n"
            "!\n")


@pytest.mark.parametrize("first,second,ossl_first,ossl_second", [
    ("ECDHE_RSA_AES128_GCM_SHA256", "ECDHE_RSA_AES256_GCM_SHA384",
     "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"),
    ("ECDHE_RSA_AES256_GCM_SHA384", "ECDHE_RSA_AES128_GCM_SHA256",
     "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"),
])
def test_cipher_order_server_precedence(lab, tls_pki, first, second, ossl_first, ossl_second):
    core = start(lab, tls_pki, "v1.2", sipua=[" crypto signaling default tls-profile 1"],
                 classes=cipher_classes(first, second))
    # the client prefers the second suite of our list; we choose the first
    rc, out = sclient(lab, tls_pki, "-tls1_2", "-cipher", f"{ossl_second}:{ossl_first}")
    assert s_handshake_ok(out), out
    assert s_cipher(out) == ossl_first, out
    # the client offers only the second: it gets it
    rc, out = sclient(lab, tls_pki, "-tls1_2", "-cipher", ossl_second)
    assert s_cipher(out) == ossl_second, out


def test_no_shared_cipher(lab, tls_pki):
    core = start(lab, tls_pki, "v1.2", sipua=[" crypto signaling default tls-profile 1"],
                 classes=cipher_classes("ECDHE_RSA_AES128_GCM_SHA256", "ECDHE_RSA_AES256_GCM_SHA384"))
    before = tls_counters(core)
    rc, out = sclient(lab, tls_pki, "-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305:AES256-SHA")
    assert not s_handshake_ok(out), out
    assert "handshake failure" in out, out
    expect_server_failure(core, lab, "no shared cipher", before)
