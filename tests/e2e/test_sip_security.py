"""test_sip_security.py - toll-fraud protection, OPTIONS outside a dialog, and
malformed input (issue 3, "B2BUA", "Toll-fraud protection", "SIP stack").

Only 127.0.0.1 is trusted; sipp bound to 127.0.0.2 is an untrusted source
(the dial-peer targets are 127.0.0.1 too, so they do not trust it either).
"""
import os
import re
import time
import warnings

import pytest

from sipphelp import (DialPeer, Lab, by_first_line, final_statuses, options_ping, sip_request,
                      sip_stats, status_of, udp_exchange)


@pytest.fixture
def lab(tollgate, tmp_path):
    """Ports and sipp processes for one test; every sipp is killed (by pid) at the end."""
    with Lab(tollgate, tmp_path) as lb:
        yield lb

UNTRUSTED = "127.0.0.2"


def untrusted_counted(core, answered_403):
    """`show sip-ua statistics` counts the refusal (when the command exists)."""
    st = sip_stats(core)
    if st is None:
        warnings.warn("`show sip-ua statistics` does not exist yet: untrusted counter not checked")
        return
    dropped = st[("drop", "untrusted source (toll fraud)")]
    n403 = st[("drop", "untrusted INVITEs answered 403")]
    assert dropped >= 1, st
    if answered_403:
        assert n403 >= 1 and st[("code", 403)][1] >= 1, st
    else:
        assert n403 == 0, st
    assert st[("calls", "total")] == 0, st


def test_untrusted_invite_silently_discarded(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    uas = lab.uas(timeout=10)
    uac = lab.uac(scenario="uac_final.xml", ip=UNTRUSTED, timeout=6, recv_timeout=2000)
    rc = uac.run(timeout=30)
    assert rc != 0, "the untrusted call did not fail:\n" + uac.report()
    assert uac.received() == [], "the core answered an untrusted INVITE:\n" + uac.report()
    assert uac.failed() == 1, uac.stats()
    uas.stop()
    assert not by_first_line(uas.received(), "INVITE "), "an untrusted INVITE was routed"
    log = lab.core.sh("show logging").stdout
    assert re.search(r"UNTRUSTED.*127\.0\.0\.2", log), log[-2000:]
    untrusted_counted(lab.core, answered_403=False)
    # a trusted source still gets through the same core
    assert options_ping(lab.sip_port) == 200


def test_untrusted_invite_403_without_silent_discard(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)], sip_extra=["no silent-discard untrusted"])
    assert "no silent-discard untrusted" in lab.core.sh("show running-config").stdout
    uas = lab.uas(timeout=10)
    uac = lab.uac(scenario="uac_final.xml", ip=UNTRUSTED, timeout=10, recv_timeout=3000)
    rc = uac.run(timeout=30)
    assert rc == 0, uac.report() + "\n" + lab.core.log_text()[-2000:]
    assert final_statuses(uac.received()) == [403], uac.report()
    uas.stop()
    assert not by_first_line(uas.received(), "INVITE "), "an untrusted INVITE was routed"
    untrusted_counted(lab.core, answered_403=True)


def test_options_outside_dialog(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    uac = lab.uac(scenario="uac_options.xml", service="ping")
    rc = uac.run()
    assert rc == 0, uac.report()
    ok = [m for m in uac.received() if m.status == 200 and m.cseq_method == "OPTIONS"]
    assert ok, uac.report()
    sent = uac.sent()[0]
    assert ok[0].call_id == sent.call_id
    assert re.search(r"tag=", ok[0].header("To")), ok[0].text
    assert ok[0].header("Allow") and "INVITE" in ok[0].header("Allow"), ok[0].text


def raw_port():
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_malformed_requests_get_400(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    port = lab.sip_port
    cases = {
        "missing CSeq": sip_request("OPTIONS", port, lport=5999, omit=("CSeq",)),
        "Content-Length beyond the datagram": sip_request("INVITE", port, lport=5999, body="v=0\r\n",
                                                         content_length=400),
        "non-numeric Content-Length": sip_request("OPTIONS", port, lport=5999, content_length="abc"),
        "bad CSeq number": sip_request("OPTIONS", port, lport=5999).replace("CSeq: 1 OPTIONS",
                                                                            "CSeq: one OPTIONS"),
    }
    for what, text in cases.items():
        got = udp_exchange(text, port, wait=1.5)
        assert got, f"{what}: no answer\n{text}"
        assert status_of(got[0]) == 400, f"{what}: expected 400, got\n{got[0]}"
        cid = re.search(r"^Call-ID: (.*)$", text, re.M).group(1).strip()
        assert cid in got[0], f"{what}: the 400 does not echo the Call-ID\n{got[0]}"
        # the core still works
        assert options_ping(port) == 200, f"no 200 to OPTIONS after {what}"
    assert lab.core_alive()
    st = sip_stats(lab.core)
    if st is not None:
        assert st[("drop", "malformed message")] >= len(cases), st
        assert st[("code", 400)][1] >= len(cases), st


def test_garbage_datagrams_dropped(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    port = lab.sip_port
    rnd = os.urandom(1500)
    # (datagram, may it be answered 400?): nothing here can be answered but a request
    # line with headers could be; none of it may get anything else or crash the core
    garbage = [
        (b"hello there\r\n", False),
        (rnd, False),
        (b"\x00" * 64, False),
        (b"SIP/2.0\r\n\r\n", False),
        (b"INVITE\r\n\r\n", True),
        (b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKnothing\r\n\r\n", False),
        (b"\r\n\r\n", "pong"),                  # RFC 5626 ping: a CRLF pong or nothing
        (b"A" * 60000, False),
        (b"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n" + b"X: " + b"y" * 64900, True),  # no end of headers
    ]
    for g, may_400 in garbage:
        got = udp_exchange(g, port, wait=0.5)
        if may_400 == "pong":
            assert all(d == "\r\n" for d in got), f"{g[:40]!r} was answered: {got}"
        else:
            allowed = (400,) if may_400 else ()
            assert all(status_of(d) in allowed for d in got), f"{g[:40]!r} was answered: {got}"
        assert lab.core_alive(), f"core died on {g[:40]!r}:\n" + lab.core.log_text()[-2000:]
    time.sleep(0.2)
    assert lab.core_alive(), lab.core.log_text()[-2000:]
    assert options_ping(port) == 200
