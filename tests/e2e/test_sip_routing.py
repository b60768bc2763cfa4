"""test_sip_routing.py - outbound dial-peer hunting and 404 (issue 3, "B2BUA",
"Routing"): 486 goes back to the caller; 503 hunts to the next dial-peer with
the same destination-pattern and a worse preference; huntstop prevents it;
a called number that no dial-peer matches gets 404.
"""
import pytest

from sipphelp import Ctx, DialPeer, Lab, by_first_line, final_statuses


@pytest.fixture
def lab(tollgate, tmp_path):
    """Ports and sipp processes for one test; every sipp is killed (by pid) at the end."""
    with Lab(tollgate, tmp_path) as lb:
        yield lb

SIPP_T = {"udp": "u1", "tcp": "t1"}


@pytest.fixture(params=["udp", "tcp"])
def tp(request):
    """Run the test with both legs on UDP, then on TCP."""
    return request.param


def two_peers(lab, tp, huntstop=False):
    t = "tcp" if tp == "tcp" else None
    return [DialPeer(10, "9T", lab.uas_port, preference=1, huntstop=huntstop, transport=t),
            DialPeer(20, "9T", lab.uas2_port, preference=2, transport=t)]


def run_hunt(lab, tp, first_scenario, huntstop=False):
    lab.start_core(two_peers(lab, tp, huntstop))
    uas1 = lab.uas("uas1", first_scenario, port=lab.uas_port, transport=SIPP_T[tp])
    uas2 = lab.uas("uas2", "uas", port=lab.uas2_port, timeout=15, transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_final.xml", transport=SIPP_T[tp])
    rc = uac.run()
    return uac, uas1, uas2, rc, Ctx(lab, uac, uas1, uas2)


def test_486_is_not_hunted(lab, tp):
    uac, uas1, uas2, rc, ctx = run_hunt(lab, tp, "uas_486.xml")
    assert rc == 0, str(ctx)
    assert final_statuses(uac.received()) == [486], str(ctx)
    assert uas1.wait() == 0, str(ctx)
    assert by_first_line(uas1.received(), "ACK "), "the 486 was not ACKed on the B leg\n" + ctx
    uas2.stop()
    assert not by_first_line(uas2.received(), "INVITE "), "486 was hunted to the second dial-peer\n" + ctx


def test_503_hunts_to_next_preference(lab, tp):
    uac, uas1, uas2, rc, ctx = run_hunt(lab, tp, "uas_503.xml")
    assert rc == 0, str(ctx)
    assert final_statuses(uac.received()) == [200], str(ctx)
    assert not [m for m in uac.received() if m.status == 503], "the 503 leaked to the caller\n" + ctx
    assert uas1.wait() == 0, str(ctx)
    assert uas2.wait() == 0, str(ctx)
    assert len(by_first_line(uas1.received(), "INVITE ")) >= 1
    assert len(by_first_line(uas2.received(), "INVITE ")) >= 1
    assert by_first_line(uas2.received(), "BYE "), str(ctx)
    # the second target sees the same called number
    assert by_first_line(uas2.received(), "INVITE sip:9123@"), str(ctx)


def test_huntstop_prevents_hunting(lab, tp):
    uac, uas1, uas2, rc, ctx = run_hunt(lab, tp, "uas_503.xml", huntstop=True)
    assert rc == 0, str(ctx)
    assert final_statuses(uac.received()) == [503], str(ctx)
    assert uas1.wait() == 0, str(ctx)
    uas2.stop()
    assert not by_first_line(uas2.received(), "INVITE "), "huntstop did not stop the hunt\n" + ctx


def test_404_when_no_dial_peer_matches(lab, tp):
    lab.start_core([DialPeer(200, "9T", lab.uas_port)])
    uac = lab.uac(scenario="uac_final.xml", service="5551234", transport=SIPP_T[tp])
    rc = uac.run()
    assert rc == 0, uac.report() + "\n" + lab.core.log_text()[-2000:]
    assert final_statuses(uac.received()) == [404], uac.report()
    assert lab.core_alive()
