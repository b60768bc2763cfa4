"""test_conn_failures.py - connection failures are counted and listed under the
transport they belong to.

Two dial-peers point at closed ports on 127.0.0.1: 500 over TCP, 600 over TLS.
A call to each gets 503 after `connection refused`.  `show sip-ua connections tcp
brief` then counts one failure and lists 127.0.0.1:<tcp port>, dial-peer 500,
`connection refused` (and nothing of the TLS attempt); `tcp tls brief` the
reverse; `udp brief` none.  No `Max. ... send msg queue size` is recorded for
connections that never came up.

Each failure is logged (`%SIP-3-CONN_FAILED: TCP connection to 127.0.0.1:<port>
(dial-peer 500) failed: connection refused`), at most once a minute per remote:
three calls to the same dead TCP peer log one line, another dead peer its own.
"""
import re

from sipphelp import DialPeer, free_port, lab, sip_request, status_of, udp_exchange  # noqa: F401
from test_tls_client import trustpoint

LOCAL = "127.0.0.1"


def invite_status(lab, number):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LOCAL, 0))
        lport = s.getsockname()[1]
    req = sip_request("INVITE", lab.sip_port, lport=lport, ruri=f"sip:{number}@{LOCAL}:{lab.sip_port}")
    got = udp_exchange(req, lab.sip_port, wait=8.0, expect=2)
    finals = [status_of(g) for g in got if (status_of(g) or 0) >= 200]
    return finals[0] if finals else None


def failures(text):
    """Rows of the "Last Connection Failures" table: (remote, dial-peer, reason)."""
    rows, sect = [], False
    for line in text.splitlines():
        if "Last Connection Failures" in line:
            sect = True
            continue
        if sect and (line.startswith("----") or not line.strip()):
            break
        if sect and not line.strip().startswith(("Time", "====", "None")):
            m = re.match(r"\s+\w{3} +\d+ [\d:]{8} (\S+)\s+(\S+)\s+(.*)$", line)
            assert m, line
            rows.append((m.group(1), m.group(2), m.group(3).strip()))
    return rows


def counter(text, name):
    m = re.search(rf"{re.escape(name)}\s*:\s*(\d+)", text)
    assert m, text
    return int(m.group(1))


def test_conn_failures_per_transport(lab, tls_pki):
    tcp_port, tls_port = free_port(), free_port()
    peers = [DialPeer(500, "5...", tcp_port, transport="tcp"),
             DialPeer(600, "6...", tls_port, transport="tcp tls")]
    extra = trustpoint(tls_pki) + "sip-ua\n crypto signaling default trustpoint SBC\n!\n"
    core = lab.start_core(peers, extra=extra)

    assert invite_status(lab, "5001") == 503, core.log_text()[-3000:]
    assert invite_status(lab, "6001") == 503, core.log_text()[-3000:]

    tcp = core.sh("show sip-ua connections tcp brief", check=True).stdout
    tls = core.sh("show sip-ua connections tcp tls brief", check=True).stdout
    udp = core.sh("show sip-ua connections udp brief", check=True).stdout
    ctx = "\n".join([tcp, tls, udp, core.log_text()[-2000:]])

    assert counter(tcp, "No. of conn. failures") == 1, ctx
    assert counter(tls, "No. of conn. failures") == 1, ctx
    assert counter(udp, "No. of conn. failures") == 0, ctx
    assert failures(tcp) == [(f"{LOCAL}:{tcp_port}", "500", "connection refused")], ctx
    assert failures(tls) == [(f"{LOCAL}:{tls_port}", "600", "connection refused")], ctx
    assert str(tls_port) not in tcp and str(tcp_port) not in tls, ctx
    assert "Last Connection Failures" not in udp, ctx
    # nothing came up: no queue-size record anywhere
    for text in (tcp, tls):
        assert "send msg queue size" not in text, ctx
    # the detail views list the same rows
    tcp_d = core.sh("terminal length 0", "show sip-ua connections tcp detail").stdout
    tls_d = core.sh("terminal length 0", "show sip-ua connections tcp tls detail").stdout
    assert failures(tcp_d) == failures(tcp), tcp_d
    assert failures(tls_d) == failures(tls), tls_d
    assert "Last Failed TLS Handshakes" in tls_d


def test_conn_failure_logged_once_per_remote(lab):
    dead, other = free_port(), free_port()
    peers = [DialPeer(500, "5...", dead, transport="tcp"),
             DialPeer(700, "7...", other, transport="tcp")]
    core = lab.start_core(peers)
    for _ in range(3):
        assert invite_status(lab, "5001") == 503, core.log_text()[-3000:]
    assert invite_status(lab, "7001") == 503, core.log_text()[-3000:]
    tcp = core.sh("show sip-ua connections tcp brief", check=True).stdout
    assert counter(tcp, "No. of conn. failures") == 4, tcp
    log = core.sh("terminal length 0", "show logging", check=True).stdout
    lines = [ln for ln in log.splitlines() if "CONN_FAILED" in ln]
    ctx = "\n".join([tcp, log[-3000:]])
    want = (f"%SIP-3-CONN_FAILED: TCP connection to {LOCAL}:{dead} (dial-peer 500) "
            "failed: connection refused")
    assert [ln for ln in lines if f":{dead} " in ln] and all(ln.endswith(want) for ln in lines
                                                             if f":{dead} " in ln), ctx
    assert len([ln for ln in lines if f":{dead} " in ln]) == 1, ctx
    assert len([ln for ln in lines if f":{other} " in ln and "(dial-peer 700)" in ln]) == 1, ctx
    assert len(lines) == 2, ctx
