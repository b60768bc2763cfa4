"""test_media_baresip.py - the media plane with real SIP clients (issue 4, "Tests").

    baresip "caller" (plays a 1 kHz tone) --A leg--> Tollgate --B leg--> baresip "9123"
    (auto-answers, plays a 400 Hz tone)

Both directions are checked: the callee must record ~1 kHz, the caller ~400 Hz
(sndfile's dump of the decoded audio; frequency by zero crossings and sox's
`stat`).  The relay's ports (`rtp-port range`) are captured on lo with tcpdump,
so the tests can tell plain RTP (a 20 ms G.711 frame of a tone has few distinct
byte values) from SRTP (random-looking payload plus an auth tag) on each leg;
`show voip rtp connections` says which relay port faces which leg.

All on 127.0.0.1 with ports of this test; every process is stopped by pid.
Needs baresip-core (srtp, aufile, aubridge, sndfile, ctrl_tcp modules), sox and
tcpdump (tests/deps.sh).
"""
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from sipphelp import free_port, options_ping

sys.path.insert(0, str(Path(__file__).resolve().parent / "baresip"))
from bshelp import (Baresip, Capture, looks_encrypted, looks_plain_g711_tone,  # noqa: E402
                    make_tone, rtp_payload, tone_report)

LOCAL = "127.0.0.1"
CALL_SECONDS = 3.0
TAGS = {4, 10, 16}   # SRTP auth tag lengths: HMAC_SHA1_32, HMAC_SHA1_80, AEAD GCM

pytestmark = pytest.mark.skipif(not (shutil.which("baresip") and shutil.which("sox") and shutil.which("tcpdump")),
                                reason="baresip, sox and tcpdump are needed (tests/deps.sh installs them)")


class MediaLab:
    """Tollgate with an inbound dial-peer 100 (from the caller) and an outbound
    dial-peer 200 (to the callee), each with its own `srtp` setting; two baresips."""

    def __init__(self, tollgate, bg, tmp, pki=None):
        self.tollgate, self.bg, self.tmp, self.pki = tollgate, bg, Path(tmp), pki
        self.sip_port, self.tls_port = free_port(), free_port()
        self.rtp_lo = free_port(span=40)
        self.rtp_hi = self.rtp_lo + 39
        self.caller_port, self.callee_port = free_port(span=2), free_port(span=2)
        self.tone_caller = make_tone(self.tmp / "tone-1000.wav", 1000, seconds=10)
        self.tone_callee = make_tone(self.tmp / "tone-400.wav", 400, seconds=10)
        self.core = self.caller = self.callee = self.capture = None

    def start_core(self, a_srtp=None, b_srtp=None, tls=False):
        b_port = self.callee_port + 1 if tls else self.callee_port
        lines = ["hostname media", "voice service voip", " ip address trusted list", f"  ipv4 {LOCAL}",
                 f" rtp-port range {self.rtp_lo} {self.rtp_hi}", " sip",
                 f"  bind control source-address {LOCAL}", f"  bind media source-address {LOCAL}",
                 f"  listen-port non-secure {self.sip_port} secure {self.tls_port}", "!",
                 "dial-peer voice 100 voip", " incoming called-number 9T"]
        if a_srtp:
            lines.append(f" {a_srtp}")
        lines += ["!", "dial-peer voice 200 voip", " destination-pattern 9T", " session protocol sipv2",
                  f" session target ipv4:{LOCAL}:{b_port}"]
        if tls:
            lines.append(" session transport tcp tls")
        if b_srtp:
            lines.append(f" {b_srtp}")
        lines.append("!")
        if tls:
            lines += ["crypto pki trustpoint SBC", " revocation-check none",
                      f" certificate file {self.pki}/sbc-chain.pem", f" private-key file {self.pki}/sbc-key.pem",
                      f" ca-certificate file {self.pki}/ca-bundle.pem", "!",
                      "sip-ua", " crypto signaling default trustpoint SBC", "!"]
        self.core = self.tollgate.start(config_text="\n".join(lines) + "\nend\n")
        end = time.monotonic() + 5
        while options_ping(self.sip_port, wait=0.3) is None:
            assert time.monotonic() < end, self.core.log_text()
        self.core.sh("debug ccsip messages", "debug voip rtp", "debug voip srtp session",
                     "debug voip srtp error", check=True)
        return self.core

    def start_phones(self, caller_enc=None, callee_enc=None, tls=False):
        tls_caller = tls_callee = None
        if tls:
            ca = self.pki / "ca-root.pem"
            for name, leaf in (("caller", "client"), ("callee", "peer")):
                (self.tmp / f"{name}.pem").write_text((self.pki / f"{leaf}-chain.pem").read_text() +
                                                      (self.pki / f"{leaf}-key.pem").read_text())
            tls_caller, tls_callee = (self.tmp / "caller.pem", ca), (self.tmp / "callee.pem", ca)
        self.callee = Baresip(self.bg, self.tmp, "callee", user="9123", sip_port=self.callee_port,
                              ctrl_port=free_port(), rtp_lo=free_port(span=10), tone=self.tone_callee,
                              mediaenc=callee_enc, tls=tls_callee).start()
        self.caller = Baresip(self.bg, self.tmp, "caller", user="caller", sip_port=self.caller_port,
                              ctrl_port=free_port(), rtp_lo=free_port(span=10), tone=self.tone_caller,
                              mediaenc=caller_enc, tls=tls_caller).start()

    def target(self, tls=False):
        return (f"sip:9123@{LOCAL}:{self.tls_port};transport=tls" if tls
                else f"sip:9123@{LOCAL}:{self.sip_port}")

    def start_capture(self):
        self.capture = Capture(self.bg, self.tmp, self.rtp_lo, self.rtp_hi)

    def diag(self):
        return (f"--- caller events {self.caller.event_types() if self.caller else None}\n"
                f"--- callee events {self.callee.event_types() if self.callee else None}\n"
                f"--- core log\n{self.core.log_text()[-6000:]}\n"
                f"--- caller log\n{self.caller.log()[-2500:] if self.caller else ''}\n"
                f"--- callee log\n{self.callee.log()[-2500:] if self.callee else ''}")

    def call(self, tls=False, seconds=CALL_SECONDS):
        """Dial, let media flow, read the show commands while the call is up, hang up.
        Returns the show outputs."""
        self.caller.dial(self.target(tls))
        ev = self.caller.wait_event("CALL_ESTABLISHED", "CALL_CLOSED", timeout=15)
        assert ev and ev["type"] == "CALL_ESTABLISHED", f"call not established: {ev}\n{self.diag()}"
        assert self.callee.wait_event("CALL_ESTABLISHED", timeout=5), self.diag()
        time.sleep(seconds)
        shows = {c: self.core.sh("terminal length 0", c).stdout
                 for c in ("show call active voice brief", "show sip-ua calls", "show voip rtp connections",
                           "show media statistics")}
        self.caller.hangup()
        assert self.caller.wait_event("CALL_CLOSED", timeout=5), self.diag()
        assert self.callee.wait_event("CALL_CLOSED", timeout=5), self.diag()
        time.sleep(0.3)
        return shows

    def stop_phones(self):
        for p in (self.caller, self.callee):
            if p:
                p.stop()


@pytest.fixture
def mlab(tollgate, bg, tmp_path):
    lab = MediaLab(tollgate, bg, tmp_path)
    yield lab
    lab.stop_phones()


@pytest.fixture
def mlab_tls(tollgate, bg, tmp_path, tls_pki):
    lab = MediaLab(tollgate, bg, tmp_path, tls_pki)
    yield lab
    lab.stop_phones()


# ---------------------------------------------------------------------------
# what the show commands and the capture say


def brief_legs(text):
    """`show call active voice brief`: [{'id', 'peer', 'dir', 'tx', 'rx', 'srtp', 'codec'}]."""
    legs = []
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        m = re.match(r"^\S+ : (\d+) .* pid:(\d+) (Answer|Originate) ", ln)
        if not m or i + 2 >= len(lines):
            continue
        d = re.search(r"tx:(\d+)/(\d+) rx:(\d+)/(\d+)", lines[i + 1])
        s = re.search(r"SRTP: (on|off) .* (\S+) TextRelay", lines[i + 2])
        legs.append({"id": int(m.group(1)), "peer": int(m.group(2)), "dir": m.group(3),
                     "tx": int(d.group(1)), "rx": int(d.group(3)), "srtp": s.group(1), "codec": s.group(2)})
    return legs


def rtp_connections(text):
    """`show voip rtp connections`: {call leg id: (local port, remote port)} and the Found count."""
    rows = {}
    for ln in text.splitlines():
        m = re.match(r"^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*$", ln)
        if m:
            rows[int(m.group(2))] = (int(m.group(4)), int(m.group(5)))
    found = re.search(r"Found (\d+) active RTP connections", text)
    return rows, int(found.group(1)) if found else None


def crypto_suites(text):
    return re.findall(r"(Local|Remote) Crypto Suite\s*:\s*(.+)", text)


def classify(capture, relay_port):
    """Packets to and from one relay RTP port: counts of plain and encrypted RTP,
    and the SRTP tag lengths seen (payload length - 160)."""
    out = {"to": [], "from": []}
    for sport, dport, data in capture.udp():
        if relay_port not in (sport, dport):
            continue
        r = rtp_payload(data)
        if r is None:
            continue
        pt, payload = r
        if pt not in (0, 8):
            continue
        out["to" if dport == relay_port else "from"].append(payload)
    res = {}
    for k, pls in out.items():
        res[k] = {"n": len(pls), "plain": sum(1 for p in pls if looks_plain_g711_tone(p) and len(p) == 160),
                  "encrypted": sum(1 for p in pls if looks_encrypted(p)),
                  "tags": sorted({len(p) - 160 for p in pls})}
    return res


def leg_suites(stats):
    """`show media statistics`: {call leg id: (local suite, remote suite)} of SRTP legs."""
    out = {}
    for m in re.finditer(r"\(call leg ID (\d+),.*\n\s+Media\s*:.*\n\s+SRTP\s*: on \(local (\S+), remote (\S+)\)",
                         stats):
        out[int(m.group(1))] = (m.group(2), m.group(3))
    return out


def tag_len(suite):
    return 16 if suite.startswith("AEAD_") else 4 if suite.endswith("_32") else 10


def assert_tone(path, freq, what):
    assert path is not None, f"{what}: nothing recorded"
    r = tone_report(path)
    assert r["seconds"] >= 1.5, f"{what}: only {r['seconds']:.2f}s of signal in {path}: {r}"
    assert abs(r["freq"] - freq) < freq * 0.05, f"{what}: expected ~{freq} Hz, got {r}"
    assert r["rms"] > 3000, f"{what}: weak signal {r}"
    if r["sox_freq"] is not None:
        assert abs(r["sox_freq"] - freq) < freq * 0.1, f"{what}: sox stat says {r}"
    return r


def sdp_lines(log, prefix):
    return [ln.split("%SIP-7-MSG:", 1)[1].strip() for ln in log.splitlines()
            if "%SIP-7-MSG:" in ln and ln.split("%SIP-7-MSG:", 1)[1].strip().startswith(prefix)]


# ---------------------------------------------------------------------------
# (1) TLS signalling and mandatory SRTP on both legs


def test_tls_srtp_both_legs_tone_and_no_plain_rtp(mlab_tls):
    lab = mlab_tls
    core = lab.start_core(a_srtp="srtp", b_srtp="srtp", tls=True)
    lab.start_phones("srtp-mand", "srtp-mand", tls=True)
    lab.start_capture()
    shows = lab.call(tls=True)
    lab.capture.stop()
    log = core.log_text()

    # signalling was TLS on both legs
    calls = shows["show sip-ua calls"]
    assert len(re.findall(r"Transport\s*: TLS", calls)) == 2, calls
    # SDP: every audio line on both legs is RTP/SAVP, with a=crypto in offers and answers
    maudio = sdp_lines(log, "m=audio")
    assert len(maudio) >= 4 and all("RTP/SAVP" in m for m in maudio), maudio
    assert len(sdp_lines(log, "a=crypto:")) >= 4, log[-4000:]
    # show commands: both legs SRTP on, packets counted both ways, suites named, keys never shown
    legs = brief_legs(shows["show call active voice brief"])
    assert len(legs) == 2, shows["show call active voice brief"]
    for leg in legs:
        assert leg["srtp"] == "on" and leg["codec"] == "g711ulaw", leg
        assert leg["tx"] >= 100 and leg["rx"] >= 100, leg
    suites = crypto_suites(calls)
    assert len(suites) == 4 and all(s.strip().startswith(("AES_CM_", "AEAD_AES_")) for _, s in suites), suites
    assert "inline:" not in calls
    stats = shows["show media statistics"]
    assert re.search(r"Totals over 2 call legs", stats), stats
    total_auth = re.search(r"Totals over.*\n(?:.*\n)*?\s+SRTP auth failures: (\d+)", stats)
    assert total_auth and int(total_auth.group(1)) == 0, stats
    # the relay names its packet I/O, and why when it is not io_uring
    assert re.search(r"Relay I/O\s*: (io_uring \(multishot receive, \d+ provided buffers.*\)"
                     r"|epoll \((io_uring not used: .+: .+|chosen by TOLLGATE_RELAY_IO=epoll)\))\n", stats), stats

    # the capture: every RTP packet to or from the relay on either leg is SRTP
    # (each leg's own keys and suite: the tag length is the suite's, e.g. HMAC_SHA1_80
    # towards the caller and AEAD GCM towards the callee with baresip 1.0)
    conns, found = rtp_connections(shows["show voip rtp connections"])
    assert found == 2 and len(conns) == 2, shows["show voip rtp connections"]
    suites_by_leg = leg_suites(stats)
    assert set(suites_by_leg) == set(conns), (suites_by_leg, conns)
    for leg_id, (lport, _) in conns.items():
        c = classify(lab.capture, lport)
        print(f"leg {leg_id} relay port {lport} {suites_by_leg[leg_id]}: {c}")
        local, remote = suites_by_leg[leg_id]
        for d in ("to", "from"):
            assert c[d]["n"] >= 100, (leg_id, c)
            assert c[d]["plain"] == 0, f"plain RTP on leg {leg_id} ({d} relay port {lport}): {c}"
            assert c[d]["encrypted"] == c[d]["n"], (leg_id, c)
            assert c[d]["tags"] == [tag_len(local if d == "from" else remote)], (leg_id, suites_by_leg, c)

    # after the call: no RTP connection left, the relay session gone, every port pair back
    pairs = (lab.rtp_hi - lab.rtp_lo + 1) // 2
    end = time.monotonic() + 3
    while True:
        after = core.sh("show media statistics", "show voip rtp connections").stdout
        if "Relay sessions    : 0" in after and f"{pairs} free of {pairs}" in after:
            break
        assert time.monotonic() < end, after
        time.sleep(0.1)
    assert "Found 0 active RTP connections" in after, after

    # debug voip srtp session / rtp: suites per leg, never keys
    assert len(re.findall(r"%VOIP-7-SRTP_SESSION: call \d+ leg [AB]: SRTP on, local suite \S+, remote suite", log)) == 2, log[-3000:]
    assert len(re.findall(r"%VOIP-7-RTP: call \d+ leg [AB]: relay .* SRTP PCMU", log)) == 2, log[-3000:]
    assert len(re.findall(r"%VOIP-7-RTP: call \d+ leg [AB]: relay closed, rx [1-9]\d*/", log)) == 2, log[-3000:]
    assert not any("inline" in ln for ln in log.splitlines() if "%VOIP-" in ln)

    # audio: the callee heard the caller's 1 kHz, the caller heard the callee's 400 Hz
    print("callee heard", assert_tone(lab.callee.recording(), 1000, "callee"))
    print("caller heard", assert_tone(lab.caller.recording(), 400, "caller"))
    print(shows["show call active voice brief"], shows["show voip rtp connections"], shows["show media statistics"])
    print("\n".join(ln for ln in log.splitlines() if "%VOIP-" in ln))


# ---------------------------------------------------------------------------
# (2) RTP <-> SRTP interworking


@pytest.mark.parametrize("plain", ["caller", "callee"])
def test_rtp_srtp_interworking(mlab, plain):
    lab = mlab
    a_srtp = None if plain == "caller" else "srtp"
    b_srtp = None if plain == "callee" else "srtp"
    lab.start_core(a_srtp=a_srtp, b_srtp=b_srtp)
    lab.start_phones(None if plain == "caller" else "srtp-mand", None if plain == "callee" else "srtp-mand")
    lab.start_capture()
    shows = lab.call()
    lab.capture.stop()

    legs = {leg["dir"]: leg for leg in brief_legs(shows["show call active voice brief"])}
    assert set(legs) == {"Answer", "Originate"}, shows["show call active voice brief"]
    plain_dir = "Answer" if plain == "caller" else "Originate"
    secure_dir = "Originate" if plain == "caller" else "Answer"
    assert legs[plain_dir]["srtp"] == "off" and legs[secure_dir]["srtp"] == "on", legs
    for leg in legs.values():
        assert leg["tx"] >= 100 and leg["rx"] >= 100, leg

    conns, found = rtp_connections(shows["show voip rtp connections"])
    assert found == 2, shows["show voip rtp connections"]
    by_dir = {("Answer" if leg_id % 2 else "Originate"): ports for leg_id, ports in conns.items()}
    p = classify(lab.capture, by_dir[plain_dir][0])
    s = classify(lab.capture, by_dir[secure_dir][0])
    for d in ("to", "from"):
        assert p[d]["n"] >= 100 and p[d]["plain"] >= p[d]["n"] * 0.9 and p[d]["encrypted"] == 0, p
        assert p[d]["tags"] == [0], p
        assert s[d]["n"] >= 100 and s[d]["plain"] == 0 and s[d]["encrypted"] == s[d]["n"], s
        assert len(s[d]["tags"]) == 1 and s[d]["tags"][0] in TAGS, s

    assert_tone(lab.callee.recording(), 1000, "callee")
    assert_tone(lab.caller.recording(), 400, "caller")


# ---------------------------------------------------------------------------
# (3) `srtp` required towards a peer without SRTP: 488; `srtp fallback`: RTP


def sip_stats_488(core):
    st = core.sh("show sip-ua statistics").stdout
    m = re.search(r"^\s+488 .*?(\d+)/(\d+)\s*$", st, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0), st


def test_srtp_required_inbound_plain_caller_488(mlab):
    """The inbound dial-peer says `srtp`; the caller offers plain RTP: 488, and
    the callee never sees an INVITE."""
    lab = mlab
    core = lab.start_core(a_srtp="srtp", b_srtp="srtp")
    lab.start_phones(None, "srtp-mand")
    lab.caller.dial(lab.target())
    ev = lab.caller.wait_event("CALL_CLOSED", "CALL_ESTABLISHED", timeout=10)
    assert ev and ev["type"] == "CALL_CLOSED" and "488" in ev.get("param", ""), f"{ev}\n{lab.diag()}"
    (_, out488), st = sip_stats_488(core)
    assert out488 >= 1, st
    time.sleep(0.5)
    assert "CALL_INCOMING" not in lab.callee.event_types() and not lab.callee.events, lab.callee.event_types()
    assert re.search(r"%VOIP-7-SRTP_ERROR: call \d+: refused 488 .*SRTP required", core.log_text()), \
        core.log_text()[-3000:]
    assert "Total call-legs: 0" in core.sh("show call active voice brief").stdout


def test_srtp_required_outbound_plain_callee_488(mlab):
    """The outbound dial-peer says `srtp`; the callee has no SRTP: the caller gets
    488, no call stays up, no relay session is left."""
    lab = mlab
    core = lab.start_core(a_srtp=None, b_srtp="srtp")
    lab.start_phones(None, None)
    lab.caller.dial(lab.target())
    ev = lab.caller.wait_event("CALL_CLOSED", "CALL_ESTABLISHED", timeout=15)
    assert ev and ev["type"] == "CALL_CLOSED" and "488" in ev.get("param", ""), f"{ev}\n{lab.diag()}"
    (_, out488), st = sip_stats_488(core)
    assert out488 >= 1, st
    time.sleep(1.0)
    assert "Total call-legs: 0" in core.sh("show call active voice brief").stdout, lab.diag()
    assert "Relay sessions    : 0" in core.sh("show media statistics").stdout, lab.diag()
    # the callee's side is over too (it either refused the offer or got a BYE)
    types = lab.callee.event_types()
    assert "CALL_ESTABLISHED" not in types or "CALL_CLOSED" in types, types


def test_srtp_fallback_plain_callee_works_in_rtp(mlab):
    """`srtp fallback` on the outbound dial-peer, a callee without SRTP: the call
    works in RTP on that leg (and SRTP on the caller's leg)."""
    lab = mlab
    lab.start_core(a_srtp="srtp", b_srtp="srtp fallback")
    lab.start_phones("srtp-mand", None)
    lab.start_capture()
    shows = lab.call()
    lab.capture.stop()
    legs = {leg["dir"]: leg for leg in brief_legs(shows["show call active voice brief"])}
    assert legs["Originate"]["srtp"] == "off" and legs["Answer"]["srtp"] == "on", legs
    conns, _ = rtp_connections(shows["show voip rtp connections"])
    b = classify(lab.capture, conns[max(conns)][0])
    assert b["to"]["n"] >= 100 and b["to"]["plain"] >= b["to"]["n"] * 0.9, b
    assert_tone(lab.callee.recording(), 1000, "callee")
    assert_tone(lab.caller.recording(), 400, "caller")
