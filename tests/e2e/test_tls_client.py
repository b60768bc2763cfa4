"""test_tls_client.py - Tollgate as a TLS client: the outbound negative matrix
(issue 3, "TLS (sip/tls.c)" verifying a server, and "Tests": negative matrix).

Topology per case, all on 127.0.0.1:
    sipp UAC (UDP) -> Tollgate (UDP in; dial-peer 200: 9T -> session transport tcp tls)
                   -> openssl s_server -accept 127.0.0.1:PORT presenting one bad certificate
The handshake must fail with the precise reason in the core's log
(%SIP-2-TLS_HANDSHAKE_FAILED), in the "Last Failed TLS Handshakes" table of
`show sip-ua connections tcp tls detail` (outbound), in the client handshake
failure counter, and the caller gets 503.  `test tls connect` then shows the same
reason.  The SAN cases resolve `dns:` targets through a dnsmasq run on loopback
(`ip name-server 127.0.0.1 PORT`, dnsmasq --host-record).
"""
import re

import pytest

from conftest import (handshake_failures_logged, tls_counters, tls_detail, tls_failed_handshakes,
                      wait_tcp_listen)
from sipphelp import DialPeer, final_statuses, free_port, lab  # noqa: F401

LOCAL = "127.0.0.1"


def trustpoint(pki, crl=False):
    t = ("crypto pki trustpoint SBC\n"
         f" revocation-check {'crl' if crl else 'none'}\n"
         f" certificate file {pki}/sbc-chain.pem\n"
         f" private-key file {pki}/sbc-key.pem\n"
         f" ca-certificate file {pki}/ca-bundle.pem\n")
    if crl:
        t += f" crl file {pki}/crl.pem\n"
    return t + "!\n"


def s_server(bg, name, port, pki, cert, chain=None, key=None):
    """openssl s_server on 127.0.0.1:port presenting cert (+ chain), stopped by pid."""
    stem = cert.replace("-cert.pem", "").replace("-chain.pem", "")
    argv = ["openssl", "s_server", "-accept", f"{LOCAL}:{port}", "-quiet", "-naccept", "20",
            "-cert", f"{pki}/{cert}", "-key", f"{pki}/{key or stem + '-key.pem'}"]
    if chain:
        argv += ["-cert_chain", f"{pki}/{chain}"]
    p = bg.start(name, argv)
    assert wait_tcp_listen(port, timeout=5, proc=p), bg.log(p)
    return p


def dnsmasq(bg, port, records):
    argv = ["dnsmasq", "-k", "-C", "/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--listen-address=127.0.0.1", "-p", str(port), "--log-facility=-", "--pid-file=",
            "--log-queries"]
    argv += [f"--host-record={n},{a}" for n, a in records]
    p = bg.start("dnsmasq", argv)
    assert wait_tcp_listen(port, timeout=5, proc=p), bg.log(p)
    return p


def call_fails_503(lab):
    uac = lab.uac(scenario="uac", timeout=12, recv_timeout=8000)
    uac.run(timeout=40)
    finals = final_statuses(uac.received())
    assert finals and finals[0] == 503, uac.report() + "\n" + lab.core.log_text()[-3000:]
    return uac


def expect_client_failure(lab, srv_port, reason_re, before):
    core = lab.core
    logged = handshake_failures_logged(core, remote_port=srv_port)
    assert len(logged) == 1, f"expected one log line for :{srv_port}, got {logged}\n{core.log_text()[-3000:]}"
    assert re.fullmatch(reason_re, logged[0]), (reason_re, logged)
    rows = [r for r in tls_failed_handshakes(core) if r["remote"] == f"{LOCAL}:{srv_port}"]
    assert rows and rows[-1]["direction"] == "outbound", tls_detail(core)
    assert re.fullmatch(reason_re, rows[-1]["reason"]), (reason_re, rows)
    after = tls_counters(core)
    assert after["client"] == before["client"] + 1, (before, after)
    return logged[0]


def start_core(lab, pki, srv_target, crl=False, sipua=(), classes="", dp_extra=(), dns_port=None):
    extra = trustpoint(pki, crl) + classes
    if dns_port:
        extra = f"ip name-server 127.0.0.1 {dns_port}\n" + extra
    extra += "sip-ua\n transport tcp tls v1.2\n"
    extra += "\n".join(list(sipua) or [" crypto signaling default trustpoint SBC"]) + "\n"
    extra += " timers connection establish tls 5\n!\n"
    dp = DialPeer(200, "9T", 0, transport="tcp tls", extra=list(dp_extra))
    dp_text = dp.text().replace(f"session target ipv4:{LOCAL}:0", f"session target {srv_target}")
    core = lab.start_core(extra=dp_text + extra)
    rc = core.sh("show running-config").stdout
    assert f"session target {srv_target}" in rc, rc + core.log_text()[-2000:]
    return core


# case: (server certificate, chain sent with it, trustpoint checks the CRL, expected reason regex)
MATRIX = {
    "expired": ("expired-cert.pem", "ca-inter.pem", False, r"certificate expired"),
    "not-yet-valid": ("notyet-cert.pem", "ca-inter.pem", False, r"certificate not yet valid"),
    "unknown-ca": ("other-leaf-cert.pem", "ca-other.pem", False, r"unknown CA"),
    "missing-intermediate": ("orphan-cert.pem", None, False,
                             r"missing intermediate \(issuer .*Tollgate Test Intermediate 2 CA.* not found\)"),
    "revoked-crl": ("revoked-cert.pem", "ca-inter.pem", True, r"revoked"),
}


@pytest.mark.parametrize("case", list(MATRIX))
def test_outbound_bad_server_certificate(lab, bg, tls_pki, case):
    cert, chain, crl, reason_re = MATRIX[case]
    srv_port = free_port()
    s_server(bg, "s_server", srv_port, tls_pki, cert, chain)
    core = start_core(lab, tls_pki, f"ipv4:{LOCAL}:{srv_port}", crl=crl)
    before = tls_counters(core)
    call_fails_503(lab)
    reason = expect_client_failure(lab, srv_port, reason_re, before)
    # the detail output keeps it; `test tls connect` finds the same reason
    out = core.sh(f"test tls connect ipv4:{LOCAL}:{srv_port}").stdout
    assert reason in out, out


def test_outbound_good_server_certificate_control(lab, bg, tls_pki):
    """Control for the matrix: the same setup with a good chain (peer-chain, CRL on)
    verifies, and no handshake failure is recorded."""
    srv_port = free_port()
    s_server(bg, "s_server", srv_port, tls_pki, "peer-cert.pem", "ca-inter.pem")
    core = start_core(lab, tls_pki, f"ipv4:{LOCAL}:{srv_port}", crl=True)
    out = core.sh(f"test tls connect ipv4:{LOCAL}:{srv_port}").stdout
    assert "peer.test.example" in out and re.search(r"(?i)verif\w*\s*:.*\b(ok|passed|success)", out), out
    assert "TLSv1.2" in out or "TLS1.2" in out, out
    assert handshake_failures_logged(core, remote_port=srv_port) == [], core.log_text()[-2000:]


# ---------------------------------------------------------------------------
# names: cn-san-validate server with dns: targets resolved by dnsmasq

SAN_POLICIES = {
    "crypto-signaling": dict(
        sipua=[" crypto signaling default trustpoint SBC",
               f" crypto signaling remote-addr {LOCAL} 255.255.255.255 trustpoint SBC cn-san-validate server"],
        classes="", dp_extra=()),
    "tls-profile": dict(
        sipua=[" crypto signaling default trustpoint SBC"],
        classes="voice class tls-profile 5\n trustpoint SBC\n cn-san validate server\n sni send\n!\n",
        dp_extra=["voice-class sip tls-profile 5"]),
}


@pytest.mark.parametrize("policy", list(SAN_POLICIES))
def test_outbound_san_mismatch(lab, bg, tls_pki, policy):
    dns_port, srv_port = free_port(), free_port()
    dnsmasq(bg, dns_port, [("tls-a.test.example", LOCAL), ("peer.test.example", LOCAL)])
    s_server(bg, "s_server", srv_port, tls_pki, "peer-cert.pem", "ca-inter.pem")
    core = start_core(lab, tls_pki, f"dns:tls-a.test.example:{srv_port}", dns_port=dns_port,
                      **SAN_POLICIES[policy])
    before = tls_counters(core)
    call_fails_503(lab)
    reason = expect_client_failure(
        lab, srv_port,
        r"name mismatch: expected tls-a\.test\.example, certificate has SAN \[.*peer\.test\.example.*\] "
        r"CN peer\.test\.example", before)
    if policy != "crypto-signaling":
        return  # `test tls connect` applies the sip-ua crypto signaling policy, not a dial-peer's profile
    # the right name verifies (SAN DNS peer.test.example)
    out = core.sh(f"test tls connect dns:peer.test.example:{srv_port}").stdout
    assert "name mismatch" not in out, out
    assert re.search(r"(?i)verif\w*\s*:.*\b(ok|passed|success)", out), out
    out = core.sh(f"test tls connect dns:tls-a.test.example:{srv_port}").stdout
    assert reason in out, out


def test_ip_target_under_cn_san_validate_refused_at_commit(lab, tls_pki):
    srv_port = free_port()
    core = start_core(lab, tls_pki, f"ipv4:{LOCAL}:{srv_port}")
    r = core.run_config(["sip-ua",
                         f" crypto signaling remote-addr {LOCAL} 255.255.255.255 trustpoint SBC "
                         "cn-san-validate server"], check=False)
    text = r.stdout + r.stderr
    assert r.returncode != 0, text
    assert re.search(r"dial-peer 200: session target ipv4:127\.0\.0\.1:\d+ is an IP address.*"
                     r"cn-san-validate server.*change not applied", text), text
    rc = core.sh("show running-config").stdout
    assert "cn-san-validate server" not in rc, rc
    # the same through a tls-profile on the dial-peer
    r = core.run_config(["voice class tls-profile 9", " trustpoint SBC", " cn-san validate server",
                         "dial-peer voice 200 voip", " voice-class sip tls-profile 9"], check=False)
    text = r.stdout + r.stderr
    assert r.returncode != 0 and "is an IP address" in text and "change not applied" in text, text
    rc = core.sh("show running-config").stdout
    dp = rc.split("dial-peer voice 200 voip", 1)[1].split("!", 1)[0]
    assert "tls-profile 9" not in dp, rc


def test_outbound_sends_chain_when_asked(lab, bg, tls_pki):
    """A server that requires a client certificate (openssl s_server -Verify): Tollgate
    sends its trustpoint's chain (leaf + intermediate) and the handshake succeeds."""
    srv_port = free_port()
    p = bg.start("s_server", ["openssl", "s_server", "-accept", f"{LOCAL}:{srv_port}", "-quiet",
                              "-naccept", "5", "-Verify", "3", "-verify_return_error",
                              "-CAfile", f"{tls_pki}/ca-root.pem",
                              "-cert", f"{tls_pki}/peer-cert.pem", "-key", f"{tls_pki}/peer-key.pem",
                              "-cert_chain", f"{tls_pki}/ca-inter.pem"])
    assert wait_tcp_listen(srv_port, timeout=5, proc=p), bg.log(p)
    core = start_core(lab, tls_pki, f"ipv4:{LOCAL}:{srv_port}")
    out = core.sh(f"test tls connect ipv4:{LOCAL}:{srv_port}").stdout
    assert re.search(r"CertificateRequest received\s*:\s*yes", out), out
    assert re.search(r"Verification\s*:\s*ok", out), out
    assert handshake_failures_logged(core, remote_port=srv_port) == [], core.log_text()[-2000:]
