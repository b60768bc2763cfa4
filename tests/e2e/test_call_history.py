"""test_call_history.py - `show call history voice brief` after real calls
through the B2BUA (sipp UAC -> tollgated -> sipp UAS, as test_sip_calls.py):
each ended call is recorded with its legs, dial-peers, the SIP status and the
Q.850 cause of RFC 3398, and who released it."""
import re
import socket
import time

import pytest

from sipphelp import Ctx, DialPeer, Lab, by_first_line


@pytest.fixture
def lab(tollgate, tmp_path):
    with Lab(tollgate, tmp_path) as lb:
        yield lb


LEG = re.compile(r"^([0-9A-F]+) : (\d+) \S+ \S+ \S+ \S+ \S+ \S+\.\d+ \+(\d+) \+(\d+) pid:(\d+) (Answer|Originate) (\S+)\n"
                 r" dur (\d\d:\d\d:\d\d) tx:(\d+)/(\d+) rx:(\d+)/(\d+) ([0-9A-F]+) \((.*) \((\d+)\)\)\n"
                 r" IP (\S+):(\d+) SRTP: (on|off) lost:(\d+)/0/0 (\S+)\n"
                 r" release: SIP (.*?), by (caller|callee|Tollgate) \((.*)\)$", re.M)


def history(core):
    """`show call history voice brief` as a list of legs (dicts), oldest first."""
    out = core.sh("show call history voice brief").stdout
    assert "Calls in history:" in out, out
    legs = []
    for m in LEG.finditer(out):
        legs.append({"call": int(m.group(1), 16), "leg": int(m.group(2)), "pid": int(m.group(5)),
                     "dir": m.group(6), "number": m.group(7), "cause_hex": m.group(13),
                     "text": m.group(14), "cause": int(m.group(15)), "sip": m.group(21),
                     "by": m.group(22), "why": m.group(23), "codec": m.group(20)})
    return out, legs


def test_history_records_completed_and_refused_calls(lab):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    out, legs = history(lab.core)
    assert legs == [] and "Calls in history: 0" in out, out
    lab.core.sh("debug voip ccapi inout", check=True)

    # 1. a completed call: the caller hangs up with BYE
    uas = lab.uas()
    uac = lab.uac()
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0 and uas.wait() == 0, str(ctx)

    # 2. a call the callee refuses with 486 Busy Here
    uas = lab.uas(name="uas486", scenario="uas_486.xml")
    uac = lab.uac(name="uac486", scenario="uac_final.xml")
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0 and uas.wait() == 0, str(ctx)

    # 3. a call the caller cancels while the callee rings
    uas = lab.uas(name="uascancel", scenario="uas_cancel.xml")
    uac = lab.uac(name="uaccancel", scenario="uac_cancel.xml")
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0 and uas.wait() == 0, str(ctx)

    # 4. a call no dial-peer matches: Tollgate answers 404
    uac = lab.uac(name="uac404", scenario="uac_final.xml", service="5551234")
    assert uac.run() == 0, uac.report()

    out, legs = history(lab.core)
    assert "Calls in history: 4 (call-legs: 7," in out, out
    assert len(legs) == 7, out
    calls = {}
    for leg in legs:
        calls.setdefault(leg["call"], []).append(leg)
    ids = sorted(calls)
    assert len(ids) == 4, out
    done, busy, cancelled, unrouted = (calls[i] for i in ids)

    # both legs of each call: A (Answer, inbound) then B (Originate, dial-peer 200)
    for c in (done, busy, cancelled):
        assert [x["dir"] for x in c] == ["Answer", "Originate"], out
        assert c[0]["leg"] == c[0]["call"] * 2 - 1 and c[1]["leg"] == c[1]["call"] * 2, out
        assert c[1]["pid"] == 200 and c[1]["number"] == "9123", out

    for x in done:
        assert (x["cause_hex"], x["cause"], x["text"]) == ("10", 16, "normal call clearing"), out
        assert x["sip"] == "BYE" and x["by"] == "caller", out
    for x in busy:
        assert (x["cause_hex"], x["cause"], x["text"]) == ("11", 17, "user busy"), out
        assert x["sip"] == "486 Busy Here" and x["by"] == "callee", out
    for x in cancelled:
        assert (x["cause_hex"], x["cause"]) == ("10", 16), out
        assert x["sip"].startswith("487") and x["by"] == "caller" and "cancelled" in x["why"], out
    assert len(unrouted) == 1 and unrouted[0]["dir"] == "Answer", out
    x = unrouted[0]
    assert (x["cause_hex"], x["cause"], x["text"]) == ("1", 1, "unassigned number"), out
    assert x["sip"] == "404 Not Found" and x["by"] == "Tollgate", out

    # debug voip ccapi inout logged each disconnect with its cause
    log = lab.core.sh("show logging").stdout
    assert re.search(r"%CCAPI-7-DEBUG: call \d+: disconnected, cause 0x11 \(user busy \(17\)\), SIP 486, "
                     r"released by callee", log), log[-3000:]
    assert re.search(r"%CCAPI-7-DEBUG: call \d+: disconnected, cause 0x10 \(normal call clearing \(16\)\), "
                     r"SIP BYE, released by caller", log), log[-3000:]


def test_history_survives_active_calls_view(lab):
    """An ended call leaves `show call active voice brief` and enters the history."""
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    uas = lab.uas()
    uac = lab.uac()
    assert uac.run() == 0 and uas.wait() == 0, str(Ctx(lab, uac, uas))
    active = lab.core.sh("show call active voice brief").stdout
    assert "Total call-legs: 0" in active, active
    _, legs = history(lab.core)
    assert len(legs) == 2, legs



def test_history_keeps_media_counters_and_codec(lab):
    """The relayed packets and the codec (by its IOS name) of a call stay in the
    history after the call; `show call active voice brief` names the codec as
    CUBE does (g711ulaw, not the SDP's PCMU) while it runs."""
    lab.start_core([DialPeer(100, "9...", lab.uas_port)])
    uas = lab.uas(scenario="uas", extra=["-rtp_echo"])
    uac = lab.uac(scenario="uac_codecs.xml", extra=["-d", "1500"])
    uac.start()
    end = time.monotonic() + 5
    answer = None
    while time.monotonic() < end and not answer:
        got = [m.body() for m in uac.received() if m.first_line.startswith("SIP/2.0 200") and m.body().strip()]
        answer = got[0] if got else None
        time.sleep(0.1)
    assert answer, uac.report()
    port = int(re.search(r"^m=audio (\d+)", answer, re.M).group(1))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(1.0)
    try:
        for i in range(10):
            pkt = bytes([0x80, 0, 0, i]) + (i * 160).to_bytes(4, "big") + b"\x00\x00\x12\x34" + bytes([i]) * 160
            s.sendto(pkt, ("127.0.0.1", port))
            s.recvfrom(2048)
    finally:
        s.close()
    active = lab.core.sh("show call active voice brief").stdout
    assert re.search(r" g711ulaw TextRelay: off", active) and "PCMU" not in active, active
    # the long form: a GENERIC:/VOIP: block per leg
    long = lab.core.sh("show call active voice").stdout
    assert "Total call-legs: 2" in long and long.count("GENERIC:") == 2 and long.count("VOIP:") == 2, long
    assert re.search(r"^PeerId=100$", long, re.M) and re.search(r"^CallOrigin=answer$", long, re.M), long
    assert len(re.findall(r"^TransmitPackets=10$", long, re.M)) == 2, long
    assert len(re.findall(r"^CoderTypeRate=g711ulaw$", long, re.M)) == 2, long
    assert re.search(r"^CalledNumber=9123$", long, re.M), long
    # compact: one line per leg
    compact = lab.core.sh("show call active voice compact").stdout
    rows = re.findall(r"^ +(\d+) (ANS|ORG) +T\d+ +g711ulaw +VOIP +P(\S+) +127\.0\.0\.1:\d+$", compact, re.M)
    assert "Total call-legs: 2" in compact and [(r[1], r[2]) for r in rows] == [("ANS", "1000"), ("ORG", "9123")], compact
    # show voip rtp connections: every value starts under its column title
    rtp = lab.core.sh("show voip rtp connections").stdout.splitlines()
    head = [ln for ln in rtp if ln.startswith("No. ")]
    rows = [ln for ln in rtp if re.match(r"^\d+ ", ln)]
    assert head and len(rows) == 2, rtp
    titles = ["No.", "CallId", "dstCallId", "LocalRTP", "RmtRTP", "LocalIP", "RemoteIP"]
    cols = [head[0].index(t) for t in titles]
    for row in rows:
        starts = [m.start() for m in re.finditer(r"\S+", row)]
        assert starts == cols, (head[0], row)
    assert uac.wait() == 0 and uas.wait() == 0, str(Ctx(lab, uac, uas))
    out, legs = history(lab.core)
    assert len(legs) == 2, out
    a = legs[0]
    assert a["dir"] == "Answer" and a["codec"] == "g711ulaw", out
    assert re.search(r"^ dur \d\d:\d\d:\d\d tx:10/1720 rx:10/1720 10 \(normal call clearing \(16\)\)$", out, re.M), out


def test_history_callee_bye_and_media_inactivity(lab):
    """A call the callee hangs up (BYE from the B leg), then a call without any
    RTP that Tollgate releases after media-inactivity-timer: who released each."""
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    lab.core.run_config(["voice service voip", " media-inactivity-timer 10"])
    uas = lab.uas(name="uasbye", scenario="uas_bye.xml")
    uac = lab.uac(name="uacwait", scenario="uac_wait_bye.xml")
    assert uac.run() == 0 and uas.wait() == 0, str(Ctx(lab, uac, uas))

    uas = lab.uas(name="uasidle", recv_timeout=25000, timeout=40)
    uac = lab.uac(name="uacidle", scenario="uac_wait_bye.xml", recv_timeout=25000, timeout=40)
    rc = uac.run(timeout=45)
    ctx = Ctx(lab, uac, uas)
    assert rc == 0 and uas.wait(timeout=10) == 0, str(ctx)
    assert by_first_line(uas.received(), "BYE "), "Tollgate sent no BYE to the callee\n" + str(ctx)

    out, legs = history(lab.core)
    assert len(legs) == 4, out
    bye, idle = legs[:2], legs[2:]
    for x in bye:
        assert (x["cause"], x["sip"], x["by"]) == (16, "BYE", "callee"), out
    for x in idle:
        assert x["by"] == "Tollgate" and "media inactivity" in x["why"], out
