"""test_route_diag.py - why a call is not routed (route diagnostics).

A dial-peer busied out by OPTIONS keepalive (its target refuses the TCP
connection) still matches the called number: the call is answered
`503 Service Unavailable` with `Reason: Q.850;cause=34`, `debug voip dialpeer`
names the dial-peer and why it was skipped, and one %SIP-4-ROUTE_UNAVAILABLE
line is logged; a number that no dial-peer matches stays `404 Not Found`
(no Reason, %SIP-6-NO_ROUTE).  Everything on 127.0.0.1, raw UDP requests.
"""
import re
import socket
import time

from sipphelp import DialPeer, free_port, lab, sip_request, status_of, udp_exchange  # noqa: F401

PROFILE = ("voice class sip-options-keepalive 1\n"
           " up-interval 5\n"
           " down-interval 5\n"
           " retry 1\n"
           "!\n")


def summary_row(core, tag):
    out = core.sh("show dial-peer voice summary", check=True).stdout
    for line in out.splitlines():
        if line.split()[:1] == [str(tag)]:
            return line
    raise AssertionError(f"dial-peer {tag} not in the summary:\n{out}")


def wait_busyout(core, tag, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if summary_row(core, tag).rstrip().endswith("busyout"):
            return True
        time.sleep(0.2)
    return False


def invite(lab, number):
    """One INVITE to number from a raw UDP socket; the final response (text)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        lport = s.getsockname()[1]
    req = sip_request("INVITE", lab.sip_port, lport=lport, ruri=f"sip:{number}@127.0.0.1:{lab.sip_port}",
                      extra_headers=[("Subject", "route-diag")])
    got = udp_exchange(req, lab.sip_port, wait=3.0, expect=2)
    finals = [g for g in got if (status_of(g) or 0) >= 200]
    assert finals, f"no final response to INVITE {number}: {got}"
    return finals[0]


def header(msg, name):
    for line in msg.split("\r\n")[1:]:
        if not line:
            break
        k, _, v = line.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


def test_busied_out_peer_503_and_no_match_404(lab):
    dead = free_port()              # nothing listens there: TCP connect is refused
    peers = [DialPeer(200, "2...", dead, transport="tcp",
                      extra=["voice-class sip options-keepalive profile 1"])]
    core = lab.start_core(peers, extra=PROFILE)
    core.sh("debug voip dialpeer", check=True)

    def ctx():
        return "\n".join([core.sh("show dial-peer voice summary").stdout, core.log_text()[-4000:]])

    assert wait_busyout(core, 200), "dial-peer 200 not busied out\n" + ctx()

    r = invite(lab, "2001")
    assert status_of(r) == 503, r + ctx()
    assert header(r, "Reason") == "Q.850;cause=34", r
    log = core.log_text()
    assert re.search(r"called number 2001: 0 outbound dial-peers", log), ctx()
    assert re.search(r"call \d+: dial-peer 200 matched but busied out by options-keepalive", log), ctx()
    assert re.search(r"%SIP-4-ROUTE_UNAVAILABLE: call \d+: called number 2001: the 1 matching dial-peer "
                     r"out of service \(200 busied out by options-keepalive\); Q\.850 cause 34", log), ctx()
    assert len(re.findall(r"ROUTE_UNAVAILABLE", log)) == 1, ctx()

    r = invite(lab, "4001")
    assert status_of(r) == 404, r + ctx()
    assert header(r, "Reason") is None, r
    log = core.log_text()
    assert re.search(r"%SIP-6-NO_ROUTE: call \d+: no dial-peer matches called number 4001", log), ctx()
    assert not re.search(r"dial-peer \d+ matched but .*\n.*4001", log), ctx()


def test_shutdown_peer_503(lab):
    """An admin-down dial-peer is named too (it is not in the hunt index at all)."""
    peers = [DialPeer(300, "3...", free_port(), extra=["shutdown"])]
    core = lab.start_core(peers)
    core.sh("debug voip dialpeer", check=True)
    r = invite(lab, "3001")
    assert status_of(r) == 503, r + core.log_text()[-3000:]
    assert header(r, "Reason") == "Q.850;cause=34", r
    assert re.search(r"dial-peer 300 matched but shut down", core.log_text()), core.log_text()[-3000:]
    # the call history keeps the cause sent and says Tollgate refused it (not the callee)
    hist = core.sh("show call history voice brief", check=True).stdout
    assert re.search(r"^ dur 00:00:00 tx:0/0 rx:0/0 22 \(no circuit/channel available \(34\)\)$", hist, re.M), hist
    assert re.search(r"^ release: SIP 503 Service Unavailable, by Tollgate \(called number 3001: ", hist, re.M), hist


def test_keepalive_column_after_no_session_target(lab):
    """A dial-peer whose target is removed is oper down and no longer probed:
    the KEEPALIVE column says idle, not active; a new target probes it again."""
    dead = free_port()
    peers = [DialPeer(200, "2...", dead, transport="tcp",
                      extra=["voice-class sip options-keepalive profile 1"])]
    core = lab.start_core(peers, extra=PROFILE)
    assert wait_busyout(core, 200), core.sh("show dial-peer voice summary").stdout
    core.run_config(["dial-peer voice 200 voip", "no session target"])
    row = summary_row(core, 200)
    cols = row.split()
    assert cols[2:4] == ["up", "down"], row            # admin up, oper down
    assert cols[-1] == "idle", row
    assert "options-keepalive state = idle (not probed)" in core.sh("show dial-peer voice 200").stdout
    # the call is refused as out of service (no target), not as an unknown number
    r = invite(lab, "2001")
    assert status_of(r) == 503 and header(r, "Reason") == "Q.850;cause=34", r
    core.run_config(["dial-peer voice 200 voip", "shutdown"])
    assert summary_row(core, 200).split()[-1] == "idle"
    core.run_config(["dial-peer voice 200 voip", "no shutdown",
                     f"session target ipv4:127.0.0.1:{dead}"])
    assert wait_busyout(core, 200), core.sh("show dial-peer voice summary").stdout
