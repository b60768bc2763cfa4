"""test_call_policy.py - `voice service voip` policies applied to new calls:
`no allow-connections sip to sip` refuses INVITEs with 503 (Q.850 cause 63)
before any dial-peer is hunted, and `early-offer forced` (sip sub-mode) makes
Tollgate send its own SDP offer towards the callee when the caller's INVITE has
none (delayed offer in, early offer out).  sipp on 127.0.0.1.
"""
import re
import time

from sipphelp import DialPeer, Lab, by_first_line, final_statuses, sip_stats

import pytest


@pytest.fixture
def plab(tollgate, tmp_path):
    lb = Lab(tollgate, tmp_path)
    yield lb
    lb.close()


def test_no_allow_connections_refuses_with_503_then_live_fix(plab):
    core = plab.start_core([DialPeer(100, "9...", plab.uas_port)])
    # the default (the line absent) allows SIP-to-SIP calls: refusing is `no ...`
    core.run_config(["voice service voip", " no allow-connections sip to sip"])
    run = core.sh("show running-config").stdout
    assert " no allow-connections sip to sip\n" in run, run
    uac = plab.uac(name="uac1", scenario="uac_final.xml")
    uac.run()
    assert final_statuses(uac.received()) == [503], uac.report()
    resp = [m for m in uac.received() if not m.is_request and m.status == 503][0]
    reason = resp.header("Reason")
    assert reason and re.match(r'^Q\.850;cause=63;text="[^"]+"$', reason), resp.text
    log = core.log_text()
    assert "allow-connections sip to sip" in log and "SIP_TO_SIP" in log, log[-2000:]
    st = sip_stats(core)
    assert st[("calls", "failed")] == 1 and st[("calls", "total")] == 1, st
    # nothing was hunted: no INVITE left Tollgate
    assert st[("method", "Invite")][1] == 0, st
    # put it back, live, and the same call goes through
    r = core.sh("configure terminal", "voice service voip", "allow-connections sip to sip", "end")
    assert r.returncode == 0, r.stdout + r.stderr
    uas = plab.uas(scenario="uas")
    uac2 = plab.uac(name="uac2", scenario="uac_final.xml")
    uac2.run()
    assert final_statuses(uac2.received()) == [200], uac2.report() + core.log_text()[-2000:]
    assert uas.wait() == 0, uas.report()
    st = sip_stats(core)
    assert st[("calls", "failed")] == 1 and st[("calls", "total")] == 2, st


# ---------------------------------------------------------------------------
# early-offer forced

def bodies(msgs, first_line_re):
    return [m.body() for m in msgs if re.match(first_line_re, m.first_line) and m.body().strip()]


def media(sdp):
    """(address, port, payload types, proto) of the first m=audio line."""
    c = re.findall(r"^c=IN IP4 (\S+)", sdp, re.M)
    m = re.search(r"^m=audio (\d+) (\S+) ([\d ]+)", sdp, re.M)
    assert m and c, sdp
    return c[-1], int(m.group(1)), m.group(3).split(), m.group(2)


def wait_body(sipp, first_line_re, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = bodies(sipp.received(), first_line_re)
        if got:
            return got[0]
        time.sleep(0.1)
    raise AssertionError(sipp.report())


def rtp_echoes(port, n=20):
    """Send n RTP packets to the relay's port facing the caller; how many came
    back (the callee, sipp -rtp_echo, sends them back through the relay)."""
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(1.0)
    echoed = 0
    try:
        for i in range(n):
            pkt = bytes([0x80, 0, 0, i]) + (i * 160).to_bytes(4, "big") + b"\x00\x00\x43\x21" + bytes([i]) * 160
            s.sendto(pkt, ("127.0.0.1", port))
            try:
                data, _ = s.recvfrom(2048)
                echoed += data == pkt
            except socket.timeout:
                pass
    finally:
        s.close()
    return echoed


def test_early_offer_forced_offers_our_sdp_then_live_removal(plab):
    lo = 31000
    core = plab.start_core([DialPeer(100, "9...", plab.uas_port)], sip_extra=["early-offer forced"])
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    uas = plab.uas(scenario="uas_eo.xml", extra=["-rtp_echo"])
    uac = plab.uac(scenario="uac_eo.xml", extra=["-d", "2500"])
    uac.start()
    # the caller gets our offer in the 200: a relay port of its own leg
    offer_a = wait_body(uac, r"SIP/2.0 200")
    addr_a, port_a, pts_a, proto_a = media(offer_a)
    assert addr_a == "127.0.0.1" and lo <= port_a < lo + 100, offer_a
    assert pts_a == ["0", "101"] and proto_a == "RTP/AVP", offer_a    # B's codec + telephone-event
    # media flows both ways once the ACK answered (caller -> relay -> callee's echo -> caller)
    time.sleep(0.3)
    echoed = rtp_echoes(port_a)
    assert uac.wait() == 0, uac.report() + core.log_text()[-2000:]
    assert uas.wait() == 0, uas.report()
    assert echoed == 20, (echoed, core.log_text()[-2000:])
    # the INVITE to the callee carried an offer made by Tollgate: its relay port,
    # not the caller's (the caller sent none), default G.711 + telephone-event
    inv = by_first_line(uas.received(), "INVITE ")[0]
    assert inv.header("Content-Type") == "application/sdp", inv.text
    addr_b, port_b, pts_b, proto_b = media(inv.body())
    assert addr_b == "127.0.0.1" and lo <= port_b < lo + 100 and port_b != port_a, inv.text
    assert pts_b == ["0", "8", "101"] and proto_b == "RTP/AVP", inv.text
    assert "a=rtpmap:101 telephone-event/8000" in inv.body() and "a=crypto" not in inv.body()
    # the callee answered in its 200: its ACK carries nothing more
    ack = by_first_line(uas.received(), "ACK ")[0]
    assert not ack.body().strip(), ack.text
    # `no early-offer forced`, live: delayed offer is relayed as it was (no SDP to B)
    r = core.sh("configure terminal", "voice service voip", "sip", "no early-offer forced", "end")
    assert r.returncode == 0, r.stdout + r.stderr
    uas2 = plab.uas(name="uas2", scenario="uas_delayed.xml")
    uac2 = plab.uac(name="uac2", scenario="uac_delayed.xml")
    assert uac2.run() == 0, uac2.report()
    assert uas2.wait() == 0, uas2.report()
    inv2 = by_first_line(uas2.received(), "INVITE ")[0]
    assert not inv2.body().strip(), inv2.text


def test_early_offer_codec_class_srtp_and_ack_without_answer(plab):
    """The offer follows the outbound dial-peer (voice-class codec, srtp fallback:
    SDES on RTP/AVP); an ACK without the answer to our offer ends the call on
    both legs with a log line."""
    lo = 31200
    extra = "voice class codec 1\n codec preference 1 g711alaw\n codec preference 2 g711ulaw\n!\n"
    dp = DialPeer(100, "9...", plab.uas_port, extra=["voice-class codec 1", "srtp fallback"])
    core = plab.start_core([dp], sip_extra=["early-offer forced"], extra=extra)
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    uas = plab.uas(scenario="uas_eo.xml")
    uac = plab.uac(scenario="uac_eo_noanswer.xml")
    assert uac.run() == 0, uac.report() + core.log_text()[-2000:]
    assert uas.wait() == 0, uas.report()
    inv = by_first_line(uas.received(), "INVITE ")[0]
    _, port_b, pts_b, proto_b = media(inv.body())
    assert pts_b == ["8", "0", "101"] and proto_b == "RTP/AVP", inv.text
    assert re.search(r"^a=crypto:1 \S+ inline:", inv.body(), re.M), inv.text
    # the caller got BYE (its scenario waits for it), and so did the callee
    assert by_first_line(uac.received(), "BYE "), uac.report()
    assert by_first_line(uas.received(), "BYE "), uas.report()
    log = core.log_text()
    assert re.search(r"EARLY_OFFER: call \d+: early-offer forced: the caller's ACK carries no SDP answer", log), \
        log[-2000:]
    st = sip_stats(core)
    assert st[("calls", "failed")] == 1 and st[("calls", "active")] == 0, st


def test_early_offer_srtp_caller_and_unacceptable_ack_answer(plab):
    """The offer to the caller follows its leg's srtp setting (inbound dial-peer
    `srtp`: RTP/SAVP with a=crypto); an answer in the ACK without a=crypto is not
    acceptable: both legs get BYE and the log says why."""
    lo = 31400
    inbound = DialPeer(10, "1...", plab.uas2_port, extra=["incoming called-number 9...", "srtp"])
    core = plab.start_core([inbound, DialPeer(100, "9...", plab.uas_port)], sip_extra=["early-offer forced"])
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    uas = plab.uas(scenario="uas_eo.xml")
    uac = plab.uac(scenario="uac_eo.xml", extra=["-d", "2000"])
    uac.run()   # fails on its side: Tollgate's BYE comes before its own
    assert uas.wait() == 0, uas.report()
    offer_a = bodies(uac.received(), r"SIP/2.0 200")[0]
    assert media(offer_a)[3] == "RTP/SAVP" and re.search(r"^a=crypto:1 ", offer_a, re.M), offer_a
    inv = by_first_line(uas.received(), "INVITE ")[0]
    assert media(inv.body())[3] == "RTP/AVP" and "a=crypto" not in inv.body(), inv.text
    assert by_first_line(uac.received(), "BYE "), uac.report()
    assert by_first_line(uas.received(), "BYE "), uas.report()
    log = core.log_text()
    assert re.search(r"EARLY_OFFER: call \d+: early-offer forced: the caller's ACK carries an unacceptable "
                     r"answer \(.*SRTP required", log), log[-2000:]


def test_early_offer_answered_in_183(plab):
    """The callee answers our offer in a 183 and sends a 200 without SDP: the
    caller's 183 has no SDP (an offer cannot go in an unreliable 18x), its 200
    carries our offer built from the 183's answer, and the call completes."""
    lo = 31600
    core = plab.start_core([DialPeer(100, "9...", plab.uas_port)], sip_extra=["early-offer forced"])
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    uas = plab.uas(scenario="uas_eo_183.xml")
    uac = plab.uac(scenario="uac_eo.xml", extra=["-d", "300"])
    assert uac.run() == 0, uac.report() + core.log_text()[-2000:]
    assert uas.wait() == 0, uas.report()
    early = [m for m in uac.received() if not m.is_request and m.status == 183]
    assert early and not early[0].body().strip(), uac.report()
    offer_a = bodies(uac.received(), r"SIP/2.0 200")[0]
    _, port_a, pts_a, _ = media(offer_a)
    assert lo <= port_a < lo + 100 and pts_a == ["0", "101"], offer_a
    st = sip_stats(core)
    assert st[("calls", "failed")] == 0 and st[("calls", "active")] == 0, st


def test_dial_peer_early_offer_forced_wins_over_global(plab):
    """`voice-class sip early-offer forced` on a dial-peer, the global setting
    off: a delayed-offer INVITE out that dial-peer carries Tollgate's offer, one
    out another dial-peer none; `... forced system` (live) defers to the global
    setting again."""
    lo = 31700
    eo = DialPeer(100, "9...", plab.uas_port, extra=["voice-class sip early-offer forced"])
    core = plab.start_core([eo, DialPeer(200, "8...", plab.uas_port)])
    core.run_config(["voice service voip", f" rtp-port range {lo} {lo + 99}"])
    run = core.sh("show running-config").stdout
    assert " voice-class sip early-offer forced\n" in run and "  early-offer forced" not in run, run
    # out dial-peer 100: our offer to the callee, the callee's answer becomes our offer in the 200
    uas = plab.uas(scenario="uas_eo.xml")
    uac = plab.uac(scenario="uac_eo.xml", service="9123", extra=["-d", "300"])
    assert uac.run() == 0, uac.report() + core.log_text()[-2000:]
    assert uas.wait() == 0, uas.report()
    inv = by_first_line(uas.received(), "INVITE ")[0]
    assert inv.header("Content-Type") == "application/sdp", inv.text
    addr_b, port_b, pts_b, _ = media(inv.body())
    assert addr_b == "127.0.0.1" and lo <= port_b < lo + 100 and pts_b == ["0", "8", "101"], inv.text
    _, port_a, _, _ = media(bodies(uac.received(), r"SIP/2.0 200")[0])
    assert lo <= port_a < lo + 100 and port_a != port_b
    # out dial-peer 200: delayed offer stays delayed offer
    uas2 = plab.uas(name="uas2", scenario="uas_delayed.xml")
    uac2 = plab.uac(name="uac2", scenario="uac_delayed.xml", service="8123")
    assert uac2.run() == 0, uac2.report() + core.log_text()[-2000:]
    assert uas2.wait() == 0, uas2.report()
    inv2 = by_first_line(uas2.received(), "INVITE ")[0]
    assert inv2.header("To").startswith("<sip:8123@"), inv2.text
    assert not inv2.body().strip(), inv2.text
    # `system`, live: dial-peer 100 follows the global setting (off)
    r = core.sh("configure terminal", "dial-peer voice 100 voip", "voice-class sip early-offer forced system", "end")
    assert r.returncode == 0 and "%" not in r.stdout, r.stdout + r.stderr
    assert " voice-class sip early-offer forced system\n" in core.sh("show running-config").stdout
    uas3 = plab.uas(name="uas3", scenario="uas_delayed.xml")
    uac3 = plab.uac(name="uac3", scenario="uac_delayed.xml", service="9123")
    assert uac3.run() == 0, uac3.report() + core.log_text()[-2000:]
    assert uas3.wait() == 0, uas3.report()
    inv3 = by_first_line(uas3.received(), "INVITE ")[0]
    assert not inv3.body().strip(), inv3.text
    st = sip_stats(core)
    assert st[("calls", "failed")] == 0 and st[("calls", "total")] == 3, st
