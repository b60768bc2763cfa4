"""test_tls_kamailio.py - TLS interop with kamailio's tls module on both sides
(issue 3, "Tests": TLS interop).

    sipp UAC (UDP) -> kamailio A (UDP in, TLS out, verifies Tollgate's chain)
                   -> Tollgate (TLS in, TLS out; tls-profile: TLS 1.2, ECDHE first, secp384r1)
                   -> kamailio B (TLS in, presents peer-chain.pem, UDP out) -> sipp UAS

All on 127.0.0.1 with ports of this test.  The kamailio configs are the templates
in tests/e2e/kamailio/ (documented in docs/interop/kamailio.md); each kamailio
runs in the foreground (-DD -E, -m 64, its own -P pidfile and -w working dir) and
is stopped by pid at teardown.
"""
import re
import subprocess
from pathlib import Path

import pytest

from conftest import handshake_failures_logged, tls_detail, wait_tcp_listen
from sipphelp import DialPeer, free_port, lab  # noqa: F401

LOCAL = "127.0.0.1"
KDIR = Path(__file__).resolve().parent / "kamailio"
MPATH = "/usr/lib/x86_64-linux-gnu/kamailio/modules/"
CALLS = 10

CIPHER = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
CURVE = "secp384r1"


def fill(template, out, **subst):
    text = (KDIR / template).read_text()
    for k, v in subst.items():
        text = text.replace(f"@{k}@", str(v))
    assert "@" not in re.sub(r"#.*", "", text.replace("@RR_DEFINE@", "")), text
    out.write_text(text)
    return out


def kamailio(bg, tmp, name, pki, udp_port, tls_port, next_hop, tls_template, rr):
    d = tmp / f"kamailio-{name}"
    (d / "run").mkdir(parents=True)
    tls_cfg = fill(tls_template, d / "tls.cfg", PKI=pki, CERT="peer-chain.pem", KEY="peer-key.pem")
    cfg = fill("proxy.cfg", d / "kamailio.cfg", UDP_PORT=udp_port, TLS_PORT=tls_port, TLS_CFG=tls_cfg,
               NEXT_HOP=next_hop, MPATH=MPATH, RR_DEFINE="#!define WITH_RR" if rr else "")
    chk = subprocess.run(["kamailio", "-c", "-f", str(cfg)], capture_output=True,
                                       text=True, timeout=30)
    assert chk.returncode == 0, chk.stdout + chk.stderr
    p = bg.start(f"kamailio-{name}", ["kamailio", "-DD", "-E", "-m", "64", "-M", "8",
                                      "-P", d / "kamailio.pid", "-Y", d / "run", "-w", d, "-f", cfg],
                 cwd=d)
    assert wait_tcp_listen(tls_port, timeout=10, proc=p), bg.log(p)
    return p


def tollgate_extra(pki, b_tls):
    return ("crypto pki trustpoint SBC\n"
            " revocation-check none\n"
            f" certificate file {pki}/sbc-chain.pem\n"
            f" private-key file {pki}/sbc-key.pem\n"
            f" ca-certificate file {pki}/ca-bundle.pem\n"
            "!\n"
            "voice class tls-cipher 1\n"
            " cipher 1 ECDHE_RSA_AES256_GCM_SHA384\n"
            " cipher 2 ECDHE_RSA_AES128_GCM_SHA256\n"
            " cipher 3 RSA_WITH_AES_256_GCM_SHA384\n"
            "!\n"
            "voice class tls-profile 1\n"
            " trustpoint SBC\n"
            " cipher 1\n"
            f" ecdh-curve {CURVE}\n"
            "!\n"
            "sip-ua\n"
            " transport tcp tls v1.2\n"
            " crypto signaling default tls-profile 1\n"
            " connection-reuse\n"
            "!\n")


def tls_connections(detail):
    """Blocks of the "TLS Connection Details" section, one per connection (text):
    "  Conn-Id N, inbound|outbound, State" and its indented lines."""
    sect = detail.split("TLS Connection Details", 1)[1].split("Last Failed TLS Handshakes", 1)[0]
    blocks = re.split(r"\n(?=  Conn-Id \d+, )", sect)
    return [b for b in blocks if re.match(r"\s*Conn-Id \d+, (inbound|outbound),", b)]


@pytest.mark.parametrize("rr", [False, True], ids=["no-record-route", "record-route"])
def test_kamailio_tls_both_legs(lab, bg, tls_pki, tmp_path, rr):
    a_udp, a_tls, b_udp, b_tls = free_port(), free_port(), free_port(), free_port()
    dp = DialPeer(200, "9T", b_tls, transport="tcp tls", extra=["voice-class sip tls-profile 1"])
    core = lab.start_core([dp], extra=tollgate_extra(tls_pki, b_tls))
    kamailio(bg, tmp_path, "b", tls_pki, b_udp, b_tls, f"sip:{LOCAL}:{lab.uas_port};transport=udp",
             "tls-server.cfg", rr)
    kamailio(bg, tmp_path, "a", tls_pki, a_udp, a_tls, f"sip:{LOCAL}:{lab.tls_port};transport=tls",
             "tls-client-verify.cfg", rr)

    uas = lab.uas(calls=CALLS, timeout=60)
    uac = lab.sipp("uac", "uac", port=lab.uac_port, remote=f"{LOCAL}:{a_udp}", service="9123",
                   calls=CALLS, rate=5, timeout=60, recv_timeout=10000)
    rc = uac.run(timeout=90)
    uas.wait(timeout=20)
    logs = "\n".join(f"--- {p.name}\n{bg.log(p)[-3000:]}" for p in bg.procs)
    assert rc == 0 and uac.successful() == CALLS, (
        uac.report() + "\n" + core.log_text()[-3000:] + "\n" + logs)
    assert uas.successful() == CALLS, uas.report()
    assert handshake_failures_logged(core) == [], core.log_text()[-3000:]

    detail = tls_detail(core)
    conns = tls_connections(detail)
    assert len(conns) == 2, detail
    inbound = [c for c in conns if re.match(r"\s*Conn-Id \d+, inbound, Established", c)]
    outbound = [c for c in conns if re.match(r"\s*Conn-Id \d+, outbound, Established", c)]
    assert len(inbound) == 1 and len(outbound) == 1, detail
    assert re.search(rf"Remote / Local\s*: {LOCAL}:\d+ / {LOCAL}:{lab.tls_port}\b", inbound[0]), inbound[0]
    assert re.search(rf"Remote / Local\s*: {LOCAL}:{b_tls} / ", outbound[0]), outbound[0]
    for c in conns:
        assert re.search(rf"Version / Cipher\s*: TLSv1\.2 {CIPHER}, curve {CURVE}", c), c
    # B presented peer.test.example with its intermediate; Tollgate verified it
    assert "peer.test.example" in outbound[0], outbound[0]
    assert re.search(r"Chain sent by peer\s*:\s*2 certificates", outbound[0]), outbound[0]
    assert re.search(r"Verification\s*:\s*ok", outbound[0]), outbound[0]
    # A presented no certificate: none was requested
    assert re.search(r"CertificateRequest\s*:\s*none\b", inbound[0]), inbound[0]
