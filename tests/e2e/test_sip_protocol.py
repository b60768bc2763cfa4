"""test_sip_protocol.py - requests the core answers by itself (issue 3, "SIP
stack", "B2BUA"): loops, unknown methods, requests for dialogs and transactions
that do not exist, and Content-Length framing on TCP.  Raw sockets on loopback.
"""
import re
import socket
import time

import pytest

from sipphelp import (DialPeer, Lab, options_ping, read_sip_stream, sip_request, sip_stats,
                      status_of, udp_exchange)


@pytest.fixture
def lab(tollgate, tmp_path):
    """Ports and sipp processes for one test; every sipp is killed (by pid) at the end."""
    with Lab(tollgate, tmp_path) as lb:
        yield lb


def ask(lab, text, wait=1.5):
    got = udp_exchange(text, lab.sip_port, wait=wait)
    assert got, f"no answer to:\n{text}"
    return got[0]


def test_max_forwards_zero_gets_483(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    r = ask(lab, sip_request("INVITE", lab.sip_port, lport=5999, max_forwards=0,
                             ruri=f"sip:9123@127.0.0.1:{lab.sip_port}"))
    assert status_of(r) == 483, r
    st = sip_stats(lab.core)
    if st is not None:
        assert st[("drop", "loop (Max-Forwards 0)")] >= 1, st


def test_bye_for_unknown_dialog_gets_481(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    r = ask(lab, sip_request("BYE", lab.sip_port, lport=5999, to_tag="nosuchdialog"))
    assert status_of(r) == 481, r


def test_cancel_for_unknown_transaction_gets_481(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    r = ask(lab, sip_request("CANCEL", lab.sip_port, lport=5999))
    assert status_of(r) == 481, r


def test_unknown_method_gets_405_with_allow(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    r = ask(lab, sip_request("MESSAGE", lab.sip_port, lport=5999, body="hello",
                             extra_headers=(("Content-Type", "text/plain"),)))
    assert status_of(r) == 405, r
    assert re.search(r"^Allow:.*INVITE", r, re.M), r


def test_tcp_content_length_framing(lab):
    """On TCP a request split over two segments is reassembled, and two requests
    in one segment are both answered."""
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    with socket.create_connection(("127.0.0.1", lab.sip_port), timeout=3) as s:
        lport = s.getsockname()[1]
        one = sip_request("OPTIONS", lab.sip_port, lport=lport, transport="TCP").encode()
        s.sendall(one[:40])
        time.sleep(0.3)
        s.sendall(one[40:])
        got = read_sip_stream(s, 1)
        assert len(got) == 1 and status_of(got[0]) == 200, got
        a = sip_request("OPTIONS", lab.sip_port, lport=lport, transport="TCP", call_id="tcp-a")
        b = sip_request("OPTIONS", lab.sip_port, lport=lport, transport="TCP", call_id="tcp-b",
                        body="x" * 10, extra_headers=(("Content-Type", "text/plain"),))
        s.sendall((a + b).encode())
        got = read_sip_stream(s, 2)
        assert [status_of(g) for g in got] == [200, 200], got
        assert "tcp-a" in got[0] and "tcp-b" in got[1], got
        # RFC 5626: a double-CRLF ping on a connection gets a CRLF pong
        s.sendall(b"\r\n\r\n")
        s.settimeout(1.0)
        try:
            pong = s.recv(16)
        except socket.timeout:
            pong = b""
        assert pong == b"\r\n", pong
    assert options_ping(lab.sip_port) == 200


def test_response_routing_without_rport(lab):
    """RFC 3261 18.2.2: without rport, a UDP response goes to the Via's sent-by port."""
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listen, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        listen.bind(("127.0.0.1", 0))
        sender.bind(("127.0.0.1", 0))
        vport = listen.getsockname()[1]
        req = sip_request("OPTIONS", lab.sip_port, lport=vport).replace(";rport", "")
        sender.sendto(req.encode(), ("127.0.0.1", lab.sip_port))
        listen.settimeout(1.5)
        d, _ = listen.recvfrom(65535)
        assert status_of(d.decode()) == 200, d


def test_rport_filled_in_response(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        src = s.getsockname()[1]
        # the Via claims another port; rport asks for the real one
        s.sendto(sip_request("OPTIONS", lab.sip_port, lport=5999).encode(), ("127.0.0.1", lab.sip_port))
        s.settimeout(1.5)
        d, _ = s.recvfrom(65535)
    r = d.decode()
    assert status_of(r) == 200, r
    via = re.search(r"^Via: (.*)$", r, re.M).group(1)
    assert f"rport={src}" in via and "received=127.0.0.1" in via, via
