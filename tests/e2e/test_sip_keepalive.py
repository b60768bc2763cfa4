"""test_sip_keepalive.py - OPTIONS keepalive per dial-peer (issue 3, "OPTIONS
keepalive per dial-peer"; sipp test "OPTIONS keepalive busyout and recovery").

A dial-peer with `voice-class sip options-keepalive profile 1` (up-interval 5,
down-interval 5, retry 1) probes a sipp UAS that answers OPTIONS: it shows
`active`; with the UAS gone it is busied out (`busyout`, %SIP-5-DIALPEER_BUSYOUT)
and a call hunts past it to the next dial-peer; with the UAS back it is
`active` again (%SIP-5-DIALPEER_ACTIVE).  Everything on 127.0.0.1, high ports,
every sipp bounded by -m, -timeout and a kill by pid.
"""
import re
import time

from sipphelp import DialPeer, by_first_line, final_statuses, lab  # noqa: F401 (lab is a fixture)

# answers every OPTIONS with 200; each OPTIONS (new Call-ID) is one sipp "call"
UAS_OPTIONS = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="uas_options">
  <recv request="OPTIONS"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port]>
      Allow: INVITE, ACK, BYE, CANCEL, OPTIONS
      Content-Length: 0

    ]]>
  </send>
</scenario>
"""

PROFILE = ("voice class sip-options-keepalive 1\n"
           " description test: fast probes\n"
           " up-interval 5\n"
           " down-interval 5\n"
           " retry 1\n"
           "!\n")


def keepalive_column(core, tag):
    """The KEEPALIVE column of `show dial-peer voice summary` for tag ("" when empty)."""
    out = core.sh("show dial-peer voice summary", check=True).stdout
    for line in out.splitlines():
        if line.split()[:1] == [str(tag)]:
            return line[88:].strip() if len(line) > 88 else ""
    raise AssertionError(f"dial-peer {tag} not in the summary:\n{out}")


def wait_for(fn, want, timeout):
    end = time.monotonic() + timeout
    got = None
    while time.monotonic() < end:
        got = fn()
        if got == want:
            return got
        time.sleep(0.25)
    return got


def options_uas(lab, name, tmp_path, timeout):
    sf = tmp_path / "uas_options.xml"
    sf.write_text(UAS_OPTIONS)
    return lab.uas(name, str(sf), port=lab.uas_port, calls=100, timeout=timeout)


def test_options_keepalive_busyout_and_recovery(lab, tmp_path):
    peers = [DialPeer(100, "9T", lab.uas_port, preference=0,
                      extra=["voice-class sip options-keepalive profile 1"]),
             DialPeer(200, "9T", lab.uas2_port, preference=1)]
    uas = options_uas(lab, "options1", tmp_path, timeout=30)
    core = lab.start_core(peers, extra=PROFILE)

    def ctx():
        return "\n".join([uas.report(), core.sh("show dial-peer voice summary").stdout,
                          core.sh("show dial-peer voice 100").stdout, core.log_text()[-3000:]])

    # 1. answered: active, and the OPTIONS look right
    end = time.monotonic() + 10
    while time.monotonic() < end and not by_first_line(uas.received(), "OPTIONS "):
        time.sleep(0.2)
    opts = by_first_line(uas.received(), "OPTIONS ")
    assert opts, "no OPTIONS reached the UAS\n" + ctx()
    o = opts[0]
    assert o.first_line.startswith(f"OPTIONS sip:127.0.0.1:{lab.uas_port} SIP/2.0"), ctx()
    assert o.header("Max-Forwards") == "70", ctx()
    assert o.cseq_method == "OPTIONS", ctx()
    assert f"127.0.0.1:{lab.uas_port}" in o.header("To"), ctx()
    assert ";tag=" in o.header("From") and ";tag=" not in o.header("To"), ctx()
    assert keepalive_column(core, 100) == "active", ctx()
    assert keepalive_column(core, 200) == "", ctx()           # not configured: nothing
    detail = core.sh("show dial-peer voice 100").stdout
    assert re.search(r"options-keepalive state = active, up-interval = 5, down-interval = 5, retry = 1",
                     detail), detail
    # a second probe after the up-interval, with a new Call-ID
    end = time.monotonic() + 9
    while time.monotonic() < end and len(by_first_line(uas.received(), "OPTIONS ")) < 2:
        time.sleep(0.2)
    opts = by_first_line(uas.received(), "OPTIONS ")
    assert len(opts) >= 2, ctx()
    assert opts[0].call_id != opts[1].call_id, ctx()
    assert keepalive_column(core, 100) == "active", ctx()
    # the probes count in show sip-ua statistics: OPTIONS out, their 200s in
    stats = core.sh("show sip-ua statistics").stdout
    m = re.search(r"Options (\d+)/(\d+)", stats)      # inbound: the harness's readiness pings
    assert m and int(m.group(2)) >= len(opts), stats
    ok_in = re.search(r"Success \(2xx\)\s*: (\d+)/", stats)
    assert ok_in and int(ok_in.group(1)) >= 2, stats

    # 2. the UAS goes away: busyout after retry (1) unanswered probe(s)
    uas.kill()
    t0 = time.monotonic()
    got = wait_for(lambda: keepalive_column(core, 100), "busyout", 20)
    assert got == "busyout", f"not busied out after {time.monotonic() - t0:.1f}s\n" + ctx()
    assert re.search(r"%SIP-5-DIALPEER_BUSYOUT: dial-peer 100 busied out: no answer to OPTIONS from "
                     rf"ipv4:127\.0\.0\.1:{lab.uas_port} \(.+\)", core.log_text()), ctx()
    # the trusted list no longer holds a busied-out peer; the state is in the detail view
    assert "options-keepalive state = busyout" in core.sh("show dial-peer voice 100").stdout, ctx()

    # a call to 9... is not routed to the busied-out peer: it hunts to dial-peer 200
    uas2 = lab.uas("uas2", "uas", port=lab.uas2_port, timeout=15)
    uac = lab.uac(scenario="uac_final.xml")
    rc = uac.run()
    cctx = "\n".join([uac.report(), uas2.report(), ctx()])
    assert rc == 0, cctx
    assert final_statuses(uac.received()) == [200], cctx
    assert uas2.wait() == 0, cctx
    assert by_first_line(uas2.received(), "INVITE sip:9123@"), cctx

    # 3. the UAS comes back: active again on the next down-interval probe
    uas = options_uas(lab, "options2", tmp_path, timeout=30)
    got = wait_for(lambda: keepalive_column(core, 100), "active", 20)
    assert got == "active", "not back to active\n" + ctx()
    assert by_first_line(uas.received(), "OPTIONS "), ctx()
    assert re.search(r"%SIP-5-DIALPEER_ACTIVE: dial-peer 100 active: OPTIONS answered by "
                     rf"ipv4:127\.0\.0\.1:{lab.uas_port} \(200 OK\)", core.log_text()), ctx()
    uas.kill()


def test_shutdown_peer_sends_nothing_and_config_changes(lab, tmp_path):
    """A shut-down dial-peer is not probed; `no shutdown` starts it; removing the
    keepalive from a busied-out peer puts it back in service."""
    peers = [DialPeer(100, "9T", lab.uas_port, extra=["voice-class sip options-keepalive profile 1",
                                                      "shutdown"])]
    core = lab.start_core(peers, extra=PROFILE)
    uas = options_uas(lab, "options", tmp_path, timeout=25)
    time.sleep(2.5)
    assert not by_first_line(uas.received(), "OPTIONS "), "a shut-down dial-peer sent OPTIONS"
    assert "options-keepalive state = idle (not probed)" in core.sh("show dial-peer voice 100").stdout
    core.run_config(["dial-peer voice 100 voip", " no shutdown"])
    end = time.monotonic() + 5
    while time.monotonic() < end and not by_first_line(uas.received(), "OPTIONS "):
        time.sleep(0.2)
    assert by_first_line(uas.received(), "OPTIONS "), "no OPTIONS after no shutdown\n" + core.log_text()
    assert keepalive_column(core, 100) == "active"
    uas.kill()
    got = wait_for(lambda: keepalive_column(core, 100), "busyout", 20)
    assert got == "busyout", core.log_text()[-2000:]
    core.run_config(["dial-peer voice 100 voip", " no voice-class sip options-keepalive"])
    assert keepalive_column(core, 100) == ""
    assert "options-keepalive = disabled" in core.sh("show dial-peer voice 100").stdout
