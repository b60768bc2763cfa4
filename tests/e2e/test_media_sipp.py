"""test_media_sipp.py - the media anchor seen from SIP (issue 4, "SDP and ports"):
every call's SDP is rewritten to Tollgate's relay ports on both legs, `voice
class codec` filters and orders the offer (telephone-event kept), delayed
offer (SDP in the 200 and the ACK) is anchored too, and an exhausted
`rtp-port range` refuses the call with 503 and a log line.  sipp on 127.0.0.1.
"""
import re
import socket
import time

from sipphelp import DialPeer, Lab, final_statuses  # noqa: F401

import pytest


@pytest.fixture
def mlab(tollgate, tmp_path):
    lb = Lab(tollgate, tmp_path)
    yield lb
    lb.close()


def bodies(msgs, first_line_re):
    return [m.body() for m in msgs if re.match(first_line_re, m.first_line) and m.body().strip()]


# The relay's two I/O back-ends: io_uring where the kernel allows it (the
# default), epoll otherwise or when asked for.  The packet-level tests run on both.
RELAY_IO = ["default", "epoll"]


def start_relay_core(mlab, monkeypatch, which, lo):
    """A core on dial-peer 100 (9...) whose relay runs the back-end `which`
    (checked on show media statistics), rtp-port range lo..lo+99."""
    if which == "epoll":
        monkeypatch.setenv("TOLLGATE_RELAY_IO", "epoll")
    else:
        monkeypatch.delenv("TOLLGATE_RELAY_IO", raising=False)
    core = mlab.start_core([DialPeer(100, "9...", mlab.uas_port)])
    stats = core.sh("show media statistics").stdout
    line = re.search(r"Relay I/O\s*: (.*)", stats)
    assert line, stats
    if which == "epoll":
        assert line.group(1) == "epoll (chosen by TOLLGATE_RELAY_IO=epoll)", line.group(0)
    else:
        assert line.group(1).startswith(("io_uring (", "epoll (io_uring not used: ")), line.group(0)
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    return core


def media(sdp):
    """(address, port, payload types) of the first m=audio line."""
    c = re.findall(r"^c=IN IP4 (\S+)", sdp, re.M)
    m = re.search(r"^m=audio (\d+) (\S+) ([\d ]+)", sdp, re.M)
    assert m and c, sdp
    return c[-1], int(m.group(1)), m.group(3).split()


def test_sdp_anchored_and_codecs_filtered(mlab):
    lo = 30000
    extra = ("voice class codec 1\n codec preference 1 g711alaw\n!\n")
    dp = DialPeer(100, "9...", mlab.uas_port, extra=["voice-class codec 1"])
    core = mlab.start_core([dp], extra=extra)
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    uas = mlab.uas(scenario="uas")
    uac = mlab.uac(scenario="uac_codecs.xml", extra=["-d", "300"])
    assert uac.run() == 0, uac.report()
    assert uas.wait() == 0, uas.report()
    # what the callee was offered: Tollgate's relay port, PCMA only, telephone-event kept
    offer = bodies(uas.received(), r"INVITE ")[0]
    addr, port, pts = media(offer)
    assert addr == "127.0.0.1" and lo <= port < lo + 100 and port % 2 == 0, offer
    assert pts == ["8", "101"], offer
    assert "a=rtpmap:0 " not in offer and "a=rtpmap:101 telephone-event/8000" in offer, offer
    assert str(uac.port) not in offer  # the caller's media address does not leak
    # what the caller got back: the other relay port, not the callee's media port
    answer = bodies(uac.received(), r"SIP/2.0 200")[0]
    addr2, port2, _ = media(answer)
    callee_port = media(bodies(uas.sent(), r"SIP/2.0 200")[0])[1]
    assert addr2 == "127.0.0.1" and lo <= port2 < lo + 100 and port2 != port, answer
    assert port2 != callee_port
    # the relay gave its ports back when the call ended
    out = core.sh("show voip rtp connections").stdout
    assert "Found 0 active RTP connections" in out, out


def test_rtp_port_range_exhausted_gives_503(mlab):
    lo = 30200
    dp = DialPeer(100, "9...", mlab.uas_port)
    core = mlab.start_core([dp])
    # two port pairs: one call (a pair per leg), the second finds none
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 3}"])
    uas = mlab.uas(scenario="uas", calls=1, timeout=15)
    uac = mlab.uac(scenario="uac_codecs.xml", calls=2, rate=10, extra=["-d", "2000"], timeout=15)
    uac.run()
    statuses = final_statuses(uac.received())
    assert sorted(statuses) == [200, 503], (statuses, uac.report())
    assert "RTP port range exhausted" in core.log_text()
    uas.wait()


def test_delayed_offer_anchored(mlab):
    lo = 30400
    dp = DialPeer(100, "9...", mlab.uas_port)
    core = mlab.start_core([dp])
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    uas = mlab.uas(scenario="uas_delayed.xml")
    uac = mlab.uac(scenario="uac_delayed.xml")
    assert uac.run() == 0, uac.report()
    assert uas.wait() == 0, uas.report()
    # the INVITE towards the callee has no SDP either
    inv = [m for m in uas.received() if m.first_line.startswith("INVITE ")][0]
    assert not inv.body().strip(), inv
    # the offer in the 200 reached the caller rewritten to a relay port
    offer = bodies(uac.received(), r"SIP/2.0 200")[0]
    addr, port, pts = media(offer)
    assert addr == "127.0.0.1" and lo <= port < lo + 100, offer
    assert pts == ["0", "8"], offer
    # and the caller's answer in its ACK reached the callee rewritten too
    ack = bodies(uas.received(), r"ACK ")[0]
    addr2, port2, _ = media(ack)
    assert addr2 == "127.0.0.1" and lo <= port2 < lo + 100 and port2 != port, ack
    assert str(uac.port) not in ack


@pytest.mark.parametrize("io", RELAY_IO)
def test_media_relayed_both_ways(mlab, monkeypatch, io):
    """Packets from the caller's side reach the callee's media address through
    the relay and back (sipp's -rtp_echo on the callee)."""
    core = start_relay_core(mlab, monkeypatch, io, 30600)
    uas = mlab.uas(scenario="uas", extra=["-rtp_echo"])
    uac = mlab.uac(scenario="uac_codecs.xml", extra=["-d", "3000"])
    uac.start()
    # wait for the answer, then send RTP to the caller-facing relay port
    end = time.monotonic() + 5
    answer = None
    while time.monotonic() < end and not answer:
        got = bodies(uac.received(), r"SIP/2.0 200")
        answer = got[0] if got else None
        time.sleep(0.1)
    assert answer, uac.report()
    _, port, _ = media(answer)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(1.0)
    echoed = 0
    try:
        for i in range(20):
            pkt = bytes([0x80, 0, 0, i]) + (i * 160).to_bytes(4, "big") + b"\x00\x00\x12\x34" + bytes([i]) * 160
            s.sendto(pkt, ("127.0.0.1", port))
            try:
                data, _ = s.recvfrom(2048)
                echoed += data == pkt
            except socket.timeout:
                pass
    finally:
        s.close()
    assert echoed == 20, echoed
    out = core.sh("show call active voice brief").stdout
    assert re.search(r"tx:20/3440 rx:20/3440", out), out
    uac.wait()
    uas.wait()


@pytest.mark.parametrize("io", RELAY_IO)
def test_reinvite_new_address_keeps_audio(mlab, monkeypatch, io):
    """Issue 4: a re-INVITE that moves the caller's media to a new address is
    applied without losing audio in the direction that did not change.  RTP
    flows both ways every 20 ms through the whole call; the caller keeps
    sending from its old address for 200 ms after the re-INVITE's 200 (as a
    phone does while it switches), then from the new one.  Every packet the
    caller sent, from either address, must reach the callee, and the callee's
    packets must reach the caller's new address once the re-INVITE is done."""
    core = start_relay_core(mlab, monkeypatch, io, 30800)

    def udp():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.setblocking(False)
        return s

    c1, c2, b = udp(), udp(), udp()
    p1, p2, cp = (s.getsockname()[1] for s in (c1, c2, b))
    uas = mlab.uas(scenario="uas_reinvite_addr.xml", keys={"cp": cp})
    uac = mlab.uac(scenario="uac_reinvite_addr.xml", keys={"p1": p1, "p2": p2})
    uac.start()
    try:
        end = time.monotonic() + 5
        answers = []
        while time.monotonic() < end and not answers:
            answers = bodies(uac.received(), r"SIP/2.0 200")
            time.sleep(0.02)
        assert answers, uac.report()
        ra = media(answers[0])[1]                             # caller-facing relay port
        rb = media(bodies(uas.received(), r"INVITE ")[0])[1]  # callee-facing relay port

        def pkt(seq, ssrc):
            return bytes([0x80, 0]) + seq.to_bytes(2, "big") + (seq * 160).to_bytes(4, "big") + \
                ssrc.to_bytes(4, "big") + bytes([seq & 0xff]) * 160

        sent_a = sent_b = 0
        switched_at = None
        caller = c1
        t0 = time.monotonic()
        while time.monotonic() - t0 < 2.7:
            if switched_at is None and len(bodies(uac.received(), r"SIP/2.0 200")) >= 2:
                switched_at = time.monotonic() + 0.2
            if switched_at is not None and caller is c1 and time.monotonic() >= switched_at:
                caller = c2
            caller.sendto(pkt(sent_a, 0xA), ("127.0.0.1", ra))
            sent_a += 1
            b.sendto(pkt(sent_b, 0xB), ("127.0.0.1", rb))
            sent_b += 1
            time.sleep(0.02)
        assert caller is c2, "the re-INVITE was not answered in time:\n" + uac.report()
        time.sleep(0.3)

        def drain(s):
            seqs = []
            while True:
                try:
                    d = s.recv(2048)
                except BlockingIOError:
                    return seqs
                seqs.append(int.from_bytes(d[2:4], "big"))

        at_b, at_c1, at_c2 = drain(b), drain(c1), drain(c2)
        assert sorted(at_b) == list(range(sent_a)), \
            f"caller->callee: {sent_a} sent, missing {sorted(set(range(sent_a)) - set(at_b))}"
        assert len(at_c2) >= 40, (len(at_c1), len(at_c2), sent_b)
        assert sorted(at_c1 + at_c2) == list(range(sent_b)), (len(at_c1), len(at_c2), sent_b)
        assert min(at_c2) > max(at_c1) - 3, "callee->caller went back to the old address"
    finally:
        for s in (c1, c2, b):
            s.close()
    assert uac.wait() == 0, uac.report()
    assert uas.wait() == 0, uas.report()
    # the re-INVITE keeps our ports on both legs (no new pair per re-offer) ...
    two = bodies(uac.received(), r"SIP/2.0 200")
    assert len(two) >= 2 and media(two[1])[1] == ra, [media(x) for x in two]
    reoffer = bodies(uas.received(), r"INVITE ")
    assert len(reoffer) >= 2 and media(reoffer[1])[1] == rb, [media(x) for x in reoffer]
    # ... and when the call is over every pair is back in the range
    end = time.monotonic() + 5
    while True:
        st = core.sh("show media statistics", check=True).stdout
        m = re.search(r"RTP port pairs\s*:\s*(\d+) free of (\d+)", st)
        if (m and m[1] == m[2]) or time.monotonic() > end:
            break
        time.sleep(0.1)
    assert m and m[1] == m[2], st
