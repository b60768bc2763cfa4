"""test_sip_calls.py - calls through the B2BUA with sipp on both sides (issue 3,
"B2BUA" and "Tests": the sipp list).

    sipp UAC (127.0.0.1:uac_port) -> tollgated (127.0.0.1:sip_port) -> sipp UAS (127.0.0.1:uas_port)

Each test picks free high ports, starts its own core with one outbound
dial-peer (destination-pattern 9T -> the UAS), and bounds every sipp run
(-m, -timeout/-recv_timeout and a subprocess timeout).
"""
import re
import time

import pytest

from sipphelp import Ctx, DialPeer, Lab, by_first_line, call_legs, show_if_exists, sip_stats


@pytest.fixture
def lab(tollgate, tmp_path):
    """Ports and sipp processes for one test; every sipp is killed (by pid) at the end."""
    with Lab(tollgate, tmp_path) as lb:
        yield lb


def one_peer(lab, transport=None):
    return [DialPeer(200, "9T", lab.uas_port, transport=transport)]


SIPP_T = {"udp": "u1", "tcp": "t1"}


@pytest.fixture(params=["udp", "tcp"])
def tp(request):
    """Run the test with both legs on UDP, then on TCP."""
    return request.param


def peers_on(lab, tp):
    return one_peer(lab, transport="tcp" if tp == "tcp" else None)


def assert_topology_hidden(uac, uas, lab):
    """The INVITE the UAS got carries nothing of the A leg; the 200 the UAC got
    carries nothing of the B leg."""
    a_invites = [m for m in uac.sent() if m.method == "INVITE" and m.is_request]
    b_invites = [m for m in uas.received() if m.method == "INVITE" and m.is_request]
    assert a_invites and b_invites, uac.report() + "\n" + uas.report()
    a_callids = {m.call_id for m in a_invites}
    a_tags = {re.search(r"tag=([^;>\s]+)", m.header("From")).group(1) for m in a_invites}
    for inv in b_invites:
        vias = inv.headers("Via")
        assert len(vias) == 1, f"B-leg INVITE has {len(vias)} Via headers:\n{inv.text}"
        assert f":{lab.sip_port}" in vias[0], f"the Via is not Tollgate's:\n{inv.text}"
        assert inv.call_id not in a_callids, f"A-leg Call-ID leaked:\n{inv.text}"
        head = inv.head()
        for line in head.split("\n")[1:]:
            assert str(lab.uac_port) not in line, f"UAC port {lab.uac_port} leaked in {line!r}:\n{inv.text}"
            for t in a_tags:
                assert t not in line, f"A-leg From tag leaked in {line!r}"
        assert inv.header("Contact"), f"B-leg INVITE without Contact:\n{inv.text}"
    # and the other way: what the UAC receives shows nothing of the UAS
    for r in uac.received():
        if r.is_request:
            continue
        vias = r.headers("Via")
        assert len(vias) == 1 and f":{lab.uac_port}" in vias[0], r.text
        for line in r.head().split("\n")[1:]:
            assert str(lab.uas_port) not in line, f"UAS port {lab.uas_port} leaked in {line!r}:\n{r.text}"


def test_basic_call_udp(lab):
    """10 calls sipp uac -> Tollgate -> sipp uas over UDP, all successful, topology hidden."""
    lab.start_core(one_peer(lab))
    uas = lab.uas(calls=10)
    uac = lab.uac(calls=10, rate=10, timeout=30)
    rc = uac.run()
    assert rc == 0, uac.report() + "\n" + uas.report() + "\n" + lab.core.log_text()[-3000:]
    assert uas.wait() == 0, uas.report()
    assert uac.successful() == 10 and uac.failed() == 0, uac.stats()
    assert uas.successful() == 10, uas.stats()
    assert len(by_first_line(uas.received(), "INVITE ")) == 10
    assert len(by_first_line(uas.received(), "BYE ")) == 10
    assert_topology_hidden(uac, uas, lab)
    assert lab.core_alive()
    assert_calls_done(lab.core, total=10)


def assert_calls_done(core, total):
    """`show sip-ua statistics` counted the calls, none failed, none is left."""
    st = sip_stats(core)
    if st is not None:
        assert st[("calls", "total")] == total, st
        assert st[("calls", "failed")] == 0, st
        assert st[("calls", "active")] == 0, st
    legs = call_legs(core)
    if legs is not None:
        assert legs == (0, 0, 0), core.sh("show sip-ua calls").stdout


def test_basic_call_tcp(lab):
    """The same over TCP on both legs (sipp -t t1, dial-peer session transport tcp)."""
    lab.start_core(one_peer(lab, transport="tcp"))
    uas = lab.uas(calls=10, transport="t1")
    uac = lab.uac(calls=10, rate=10, transport="t1", timeout=30)
    rc = uac.run()
    assert rc == 0, uac.report() + "\n" + uas.report() + "\n" + lab.core.log_text()[-3000:]
    assert uas.wait() == 0, uas.report()
    assert uac.successful() == 10 and uac.failed() == 0, uac.stats()
    invs = by_first_line(uas.received(), "INVITE ")
    assert len(invs) == 10
    assert all(m.transport == "TCP" for m in uas.messages())
    assert all("SIP/2.0/TCP" in m.header("Via") for m in invs), invs[0].text
    assert_topology_hidden(uac, uas, lab)
    assert_calls_done(lab.core, total=10)


def test_cancel(lab, tp):
    """Caller CANCELs while the callee rings: 200 for the CANCEL and 487 for the
    INVITE on the A leg; the B leg gets a CANCEL (and answers 200/487)."""
    lab.start_core(peers_on(lab, tp))
    uas = lab.uas(scenario="uas_cancel.xml", transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_cancel.xml", transport=SIPP_T[tp])
    rc = uac.run()
    assert rc == 0, uac.report() + "\n" + uas.report() + "\n" + lab.core.log_text()[-3000:]
    assert uas.wait() == 0, uas.report()
    got = uac.received()
    ok_cancel = [m for m in got if m.status == 200 and m.cseq_method == "CANCEL"]
    term = [m for m in got if m.status == 487 and m.cseq_method == "INVITE"]
    assert ok_cancel and term, uac.report()
    b_inv = by_first_line(uas.received(), "INVITE ")[0]
    b_cancel = by_first_line(uas.received(), "CANCEL ")[0]
    # RFC 3261 9.1: the CANCEL matches the INVITE (Call-ID, CSeq number, branch)
    assert b_cancel.call_id == b_inv.call_id
    assert b_cancel.cseq_num == b_inv.cseq_num
    branch = lambda m: re.search(r"branch=([^;\s]+)", m.header("Via")).group(1)  # noqa: E731
    assert branch(b_cancel) == branch(b_inv)
    assert by_first_line(uas.received(), "ACK "), "no ACK for the 487 on the B leg"
    assert not [m for m in got if m.status == 200 and m.cseq_method == "INVITE"]


def test_bye_from_callee(lab, tp):
    """The callee hangs up: its BYE reaches the caller in the A-leg dialog."""
    lab.start_core(peers_on(lab, tp))
    uas = lab.uas(scenario="uas_bye.xml", transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_wait_bye.xml", transport=SIPP_T[tp])
    rc = uac.run()
    assert rc == 0, uac.report() + "\n" + uas.report() + "\n" + lab.core.log_text()[-3000:]
    assert uas.wait() == 0, uas.report()
    a_inv = by_first_line(uac.sent(), "INVITE ")[0]
    byes = by_first_line(uac.received(), "BYE ")
    assert len(byes) >= 1
    bye = byes[0]
    assert bye.call_id == a_inv.call_id
    # the A-leg dialog: BYE From = the A leg's To (with Tollgate's tag), To = the caller (with its tag)
    a_from_tag = re.search(r"tag=([^;>\s]+)", a_inv.header("From")).group(1)
    assert f"tag={a_from_tag}" in bye.header("To"), bye.text
    assert len(bye.headers("Via")) == 1 and f":{lab.sip_port}" in bye.header("Via"), bye.text
    assert str(lab.uas_port) not in bye.head(), bye.text
    ok = [m for m in uas.received() if m.status == 200 and m.cseq_method == "BYE"]
    assert ok, uas.report()


def test_reinvite_from_caller(lab, tp):
    """A re-INVITE (hold, new SDP) from the caller mid-call is relayed to the
    callee, its 200 comes back, both legs get their ACK, and BYE ends the call."""
    lab.start_core(peers_on(lab, tp))
    uas = lab.uas(scenario="uas_reinvite.xml", transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_reinvite.xml", transport=SIPP_T[tp])
    rc = uac.run()
    assert rc == 0, uac.report() + "\n" + uas.report() + "\n" + lab.core.log_text()[-3000:]
    assert uas.wait() == 0, uas.report()
    b_invites = by_first_line(uas.received(), "INVITE ")
    assert len(b_invites) == 2
    first, re_inv = b_invites
    assert re_inv.call_id == first.call_id and re_inv.cseq_num > first.cseq_num
    assert "s=reinvite-from-caller" in re_inv.body() and "a=sendonly" in re_inv.body(), re_inv.text
    assert re.search(r"tag=", re_inv.header("To")), "re-INVITE outside the B-leg dialog"
    ok = [m for m in uac.received() if m.status == 200 and m.cseq_method == "INVITE" and m.cseq_num == 2]
    assert ok and "a=recvonly" in ok[0].body(), uac.report()
    assert len(by_first_line(uas.received(), "ACK ")) == 2


def test_reinvite_from_callee(lab, tp):
    """The callee re-INVITEs mid-call: relayed to the caller in the A-leg dialog,
    answered, ACKed on both legs; then the caller hangs up."""
    lab.start_core(peers_on(lab, tp))
    uas = lab.uas(scenario="uas_send_reinvite.xml", transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_recv_reinvite.xml", transport=SIPP_T[tp])
    rc = uac.run()
    assert rc == 0, uac.report() + "\n" + uas.report() + "\n" + lab.core.log_text()[-3000:]
    assert uas.wait() == 0, uas.report()
    a_inv = by_first_line(uac.sent(), "INVITE ")[0]
    re_inv = by_first_line(uac.received(), "INVITE ")[0]
    assert re_inv.call_id == a_inv.call_id
    assert "s=reinvite-from-callee" in re_inv.body(), re_inv.text
    assert len(re_inv.headers("Via")) == 1
    ok = [m for m in uas.received() if m.status == 200 and m.cseq_method == "INVITE"]
    assert ok and "a=recvonly" in ok[0].body(), uas.report()
    assert by_first_line(uac.received(), "ACK "), "the caller got no ACK for its 200 to the re-INVITE"


def test_load_200_calls_20cps(lab):
    """Load sanity: 200 calls at 20 calls/s over UDP, all successful."""
    lab.start_core(one_peer(lab))
    uas = lab.uas(calls=200, timeout=60)
    uac = lab.uac(calls=200, rate=20, timeout=60)
    rc = uac.run(timeout=90)
    assert rc == 0, f"{uac.stats()}\n{uac.report()}\n{lab.core.log_text()[-3000:]}"
    assert uas.wait(timeout=30) == 0, uas.report()
    assert uac.successful() == 200 and uac.failed() == 0, uac.stats()
    assert uas.successful() == 200, uas.stats()
    assert lab.core_alive()
    assert_calls_done(lab.core, total=200)


def wait_legs(core, want, timeout=5.0):
    end = time.monotonic() + timeout
    legs = None
    while time.monotonic() < end:
        legs = call_legs(core)
        if legs == want:
            return legs
        time.sleep(0.1)
    return legs


def test_show_calls_during_a_call(lab):
    """While a call is up, `show sip-ua calls` shows both legs (A leg with the
    caller's Call-ID, B leg on dial-peer 200 with Tollgate's own Call-ID);
    afterwards none, and `show sip-ua statistics` counted the requests."""
    lab.start_core(one_peer(lab))
    if show_if_exists(lab.core, "show sip-ua calls") is None:
        pytest.skip("show sip-ua calls does not exist yet")
    uas = lab.uas()
    uac = lab.uac(extra=["-d", "3000"])
    uac.start()
    assert wait_legs(lab.core, (2, 1, 1)) == (2, 1, 1), lab.core.sh("show sip-ua calls").stdout
    out = lab.core.sh("show sip-ua calls").stdout
    uac_part, uas_part = out.split("SIP UAS CALL INFO")
    assert uac.wait() == 0, uac.report()
    assert uas.wait() == 0, uas.report()
    a_callid = by_first_line(uac.sent(), "INVITE ")[0].call_id
    b_callid = by_first_line(uas.received(), "INVITE ")[0].call_id
    assert re.search(rf"SIP Call ID\s*: {re.escape(a_callid)}$", uas_part, re.M), out
    assert re.search(rf"SIP Call ID\s*: {re.escape(b_callid)}$", uac_part, re.M), out
    for part in (uac_part, uas_part):
        assert "STATE_ACTIVE" in part, out
        assert re.search(r"Called Number\s*: 9123$", part, re.M), out
    assert re.search(r"Dial-peer\s*: 200$", uac_part, re.M), out
    assert re.search(rf"Destn SIP Req Addr:Port : \[127\.0\.0\.1\]:{lab.uas_port}$", uac_part, re.M), out
    assert re.search(rf"Destn SIP Req Addr:Port : \[127\.0\.0\.1\]:{lab.uac_port}$", uas_part, re.M), out
    assert wait_legs(lab.core, (0, 0, 0)) == (0, 0, 0)
    st = sip_stats(lab.core)
    if st is not None:
        assert st[("calls", "total")] == 1 and st[("calls", "active")] == 0, st
        assert st[("method", "Invite")] == (1, 1), st
        assert st[("method", "Ack")] == (1, 1), st
        assert st[("method", "Bye")] == (1, 1), st


def test_statistics_count_bye_response(lab):
    """One call hung up by the caller: Tollgate receives 180, 200 (INVITE) and 200
    (BYE) from the callee, and sends 100, 180, 200 (INVITE), 200 (BYE) to the caller."""
    lab.start_core(one_peer(lab))
    uas = lab.uas()
    uac = lab.uac()
    assert uac.run() == 0, uac.report()
    assert uas.wait() == 0, uas.report()
    st = sip_stats(lab.core)
    if st is None:
        pytest.skip("show sip-ua statistics does not exist yet")
    assert st[("class", "Informational (1xx)")] == (1, 2), st
    # the lab's readiness probe (an OPTIONS answered 200) counts as well
    probes = st[("method", "Options")][0]
    assert st[("code", 200)] == (2, 2 + probes), st
    assert st[("class", "Success (2xx)")] == (2, 2 + probes), st


def test_cancel_crossing_200(lab, tp):
    """The callee's 200 crosses the caller's CANCEL: the caller gets 200 (CANCEL)
    and 487; the callee's 200 is ACKed and the B leg is hung up with BYE."""
    lab.start_core(peers_on(lab, tp))
    uas = lab.uas(scenario="uas_cancel_cross.xml", transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_cancel.xml", transport=SIPP_T[tp])
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0, str(ctx)
    assert uas.wait() == 0, str(ctx)
    got = uac.received()
    assert [m for m in got if m.status == 487 and m.cseq_method == "INVITE"], str(ctx)
    assert not [m for m in got if m.status == 200 and m.cseq_method == "INVITE"], str(ctx)
    b_inv = by_first_line(uas.received(), "INVITE ")[0]
    bye = by_first_line(uas.received(), "BYE ")
    assert bye and bye[0].call_id == b_inv.call_id, str(ctx)
    legs = call_legs(lab.core)
    if legs is not None:
        assert legs == (0, 0, 0), lab.core.sh("show sip-ua calls").stdout


def test_info_in_dialog(lab, tp):
    """An INFO (DTMF relay) from the caller mid-call reaches the callee in the
    B-leg dialog with its body, and the callee's 200 comes back."""
    lab.start_core(peers_on(lab, tp))
    uas = lab.uas(extra=["-aa"], transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_info.xml", transport=SIPP_T[tp])
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0, str(ctx)
    assert uas.wait() == 0, str(ctx)
    info = by_first_line(uas.received(), "INFO ")
    assert info, str(ctx)
    b_inv = by_first_line(uas.received(), "INVITE ")[0]
    assert info[0].call_id == b_inv.call_id
    assert "Signal=5" in info[0].body() and info[0].header("Content-Type") == "application/dtmf-relay", info[0].text
    assert [m for m in uac.received() if m.status == 200 and m.cseq_method == "INFO"], str(ctx)


def test_hunt_on_tcp_connect_failure(lab):
    """The first dial-peer's TCP target refuses the connection: Tollgate hunts to
    the next preference, which answers."""
    closed = lab.uas2_port  # nothing listens there
    lab.start_core([DialPeer(10, "9T", closed, preference=1, transport="tcp"),
                    DialPeer(20, "9T", lab.uas_port, preference=2, transport="tcp")])
    uas = lab.uas(transport="t1")
    uac = lab.uac(scenario="uac_final.xml")
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0, str(ctx)
    assert [m.status for m in uac.received() if not m.is_request and m.status >= 200
            and m.cseq_method == "INVITE"] == [200], str(ctx)
    assert uas.wait() == 0, str(ctx)


def test_cancel_after_100_trying_only(lab):
    """The callee has only sent 100 Trying (a provisional response, RFC 3261 9.1)
    when the caller cancels: the CANCEL must reach the callee, which answers
    200/487, and no call is left behind."""
    lab.start_core(one_peer(lab))
    uas = lab.uas(scenario="uas_cancel_100.xml", timeout=8, recv_timeout=4000)
    uac = lab.uac(scenario="uac_cancel_early.xml")
    rc = uac.run()
    rc_uas = uas.wait()
    ctx = Ctx(lab, uac, uas)
    legs = call_legs(lab.core)
    ctx += f"\nshow sip-ua calls (total, UAC, UAS) after both sipps ended: {legs}"
    assert rc == 0, str(ctx)
    assert [m for m in uac.received() if m.status == 487], str(ctx)
    assert by_first_line(uas.received(), "CANCEL "), "the CANCEL never reached the callee\n" + ctx
    assert rc_uas == 0, str(ctx)
    if legs is not None:
        assert legs == (0, 0, 0), lab.core.sh("show sip-ua calls").stdout


def test_2xx_retransmitted_until_ack(lab, tp):
    """RFC 3261 13.3.1.4: Tollgate, as the caller's UAS, retransmits its 200 until
    the ACK arrives (T1, 2*T1, ...), over TCP too (a hop beyond the next one
    may be UDP, where only the UAS can recover a lost 2xx); the late ACK
    still completes the call."""
    lab.start_core(one_peer(lab))
    uas = lab.uas()
    uac = lab.uac(scenario="uac_late_ack.xml" if tp == "udp" else "uac_late_ack_tcp.xml",
                  transport=SIPP_T[tp])
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0, str(ctx)
    assert uas.wait() == 0, str(ctx)
    oks = [m for m in uac.received() if m.status == 200 and m.cseq_method == "INVITE"]
    # in 2.2 s: the 200 at 0, then at 0.5 and 1.5 s
    assert len(oks) >= 3, f"{len(oks)} copies of the 200 in 2.2 s\n" + ctx
    assert len(by_first_line(uas.received(), "ACK ")) == 1, str(ctx)


def test_update_and_options_in_dialog(lab, tp):
    """An UPDATE (session refresh, no body) and an OPTIONS sent by the caller
    mid-call are relayed to the callee in the B-leg dialog (its Call-ID, the
    callee's tag, a CSeq of the B leg's own), and each 200 comes back to the
    caller; Session-Expires passes with the UPDATE."""
    lab.start_core(peers_on(lab, tp))
    uas = lab.uas(extra=["-aa"], transport=SIPP_T[tp])
    uac = lab.uac(scenario="uac_update_options.xml", transport=SIPP_T[tp])
    rc = uac.run()
    ctx = Ctx(lab, uac, uas)
    assert rc == 0, str(ctx)
    assert uas.wait() == 0, str(ctx)
    b_inv = by_first_line(uas.received(), "INVITE ")[0]
    b_ok = [m for m in uas.sent() if m.status == 200 and m.cseq_method == "INVITE"][0]
    for method in ("UPDATE", "OPTIONS"):
        got = by_first_line(uas.received(), method + " ")
        assert len(got) == 1, str(ctx)
        m = got[0]
        assert m.call_id == b_inv.call_id, m.text
        assert m.header("To") == b_ok.header("To"), m.text      # the callee's tag
        assert m.cseq_method == method, m.text
        assert "127.0.0.1:%d" % lab.uac_port not in m.text, m.text   # topology hidden
        assert [r for r in uac.received() if r.status == 200 and r.cseq_method == method], str(ctx)
    assert "1800" in (by_first_line(uas.received(), "UPDATE ")[0].header("Session-Expires") or ""), str(ctx)
