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
