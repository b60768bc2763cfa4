"""test_dscp.py - Tollgate marks its SIP signalling DSCP CS3 (TOS 0x60) and its
media EF (0xb8), CUBE's defaults, or what `ip qos dscp VALUE media|signaling`
sets on the dial-peer the packets go to.

A dial-peer's OPTIONS keepalive reaches a UDP socket of the test, which reads
the TOS byte of the datagram (IP_RECVTOS); over TCP, tcpdump on lo reads it from
Tollgate's SYN.  RTP is read the same way on the sockets a call's SDP names
(sipp signals, Python sends and receives the media).  Loopback only, bounded waits.
"""
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import NETNS_OK, ROOT, TOLLGATED
from sipphelp import DialPeer, Lab

IP_RECVTOS = getattr(socket, "IP_RECVTOS", 13)
IP_TOS = getattr(socket, "IP_TOS", 1)


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dial_peer(tag, port, transport, extra=""):
    return (f"dial-peer voice {tag} voip\n destination-pattern {tag}...\n"
            f" session target ipv4:127.0.0.1:{port}\n session transport {transport}\n"
            f" voice-class sip options-keepalive profile 1\n{extra}!\n")


def config(port, transport, extra="", more=""):
    sip = free_port(socket.SOCK_DGRAM)
    return (f"hostname dscp\n!\nvoice service voip\n sip\n  bind control source-address 127.0.0.1\n"
            f"  listen-port non-secure {sip} secure {free_port(socket.SOCK_STREAM)}\n!\n"
            f"voice class sip-options-keepalive 1\n up-interval 5\n!\n"
            + dial_peer(100, port, transport, extra) + more + "end\n")


def recv_tos(s):
    """(first line, TOS) of the next datagram on s."""
    data, anc, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(4))
    tos = [c[2][0] for c in anc if c[0] == socket.IPPROTO_IP and c[1] == IP_TOS]
    return data.split(b"\r\n", 1)[0], tos


def test_udp_signalling_is_cs3(tollgate):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
    s.settimeout(15)
    port = s.getsockname()[1]
    try:
        tollgate.start(config_text=config(port, "udp"))
        data, anc, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(4))
        assert data.startswith(b"OPTIONS sip:"), data[:80]
        tos = [c[2][0] for c in anc if c[0] == socket.IPPROTO_IP and c[1] == IP_TOS]
        assert tos == [0x60], anc
    finally:
        s.close()


def test_udp_signalling_dscp_per_dial_peer(tollgate):
    """`ip qos dscp af41 signaling` on dial-peer 100 marks its OPTIONS AF41 (0x88)
    per datagram, out of the listener socket that sends dial-peer 200's
    unmarked ones CS3 (0x60)."""
    socks = []
    for _ in range(2):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
        s.settimeout(15)
        socks.append(s)
    try:
        tollgate.start(config_text=config(socks[0].getsockname()[1], "udp", " ip qos dscp af41 signaling\n",
                                          dial_peer(200, socks[1].getsockname()[1], "udp")))
        line, tos = recv_tos(socks[0])
        assert line.startswith(b"OPTIONS sip:") and tos == [0x88], (line, tos)
        line, tos = recv_tos(socks[1])
        assert line.startswith(b"OPTIONS sip:") and tos == [0x60], (line, tos)
    finally:
        for s in socks:
            s.close()


def syn_tos(tollgate, extra):
    """tcpdump's line for the SYN of Tollgate's connection to dial-peer 100 over TCP."""
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(4)
    lst.settimeout(15)
    port = lst.getsockname()[1]
    cap = subprocess.Popen(["timeout", "20", "tcpdump", "-i", "lo", "-n", "-v", "-c", "1", "-l",
                            f"tcp dst port {port} and tcp[tcpflags] & tcp-syn != 0"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        time.sleep(1.0)   # tcpdump is listening
        tollgate.start(config_text=config(port, "tcp", extra))
        conn, _ = lst.accept()
        conn.close()
        out, _ = cap.communicate(timeout=25)
        return out
    finally:
        if cap.poll() is None:
            cap.kill()
            cap.wait()
        lst.close()


TCPDUMP = pytest.mark.skipif(not shutil.which("tcpdump"), reason="tcpdump not installed (tests/deps.sh installs it)")


@TCPDUMP
def test_tcp_signalling_is_cs3(tollgate):
    out = syn_tos(tollgate, "")
    assert "tos 0x60" in out, out


@TCPDUMP
def test_tcp_signalling_dscp_per_dial_peer(tollgate):
    """`ip qos dscp cs5 signaling`: the connection opened for the dial-peer is CS5 (0xa0)."""
    out = syn_tos(tollgate, " ip qos dscp cs5 signaling\n")
    assert "tos 0xa0" in out, out


# ---------------------------------------------------------------------------
# media: the leg towards a dial-peer carries its `ip qos dscp ... media`

@pytest.fixture
def mlab(tollgate, tmp_path):
    lb = Lab(tollgate, tmp_path)
    yield lb
    lb.close()


def tos_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
    s.setblocking(False)
    return s


def drain_tos(s):
    """The TOS bytes of the datagrams waiting on s."""
    out = []
    while True:
        try:
            _, anc, _, _ = s.recvmsg(2048, socket.CMSG_SPACE(4))
        except BlockingIOError:
            return out
        out += [c[2][0] for c in anc if c[0] == socket.IPPROTO_IP and c[1] == IP_TOS]


def sdp_port(sdp):
    m = re.search(r"^m=audio (\d+) ", sdp, re.M)
    assert m, sdp
    return int(m.group(1))


def bodies(msgs, first_line_re):
    return [m.body() for m in msgs if re.match(first_line_re, m.first_line) and m.body().strip()]


@pytest.mark.parametrize("inbound, caller_tos", [([], 0xb8), (["ip qos dscp cs4 media"], 0x80)],
                         ids=["inbound-default", "inbound-cs4"])
def test_media_dscp_per_dial_peer(mlab, inbound, caller_tos):
    """Outbound dial-peer 100 has `ip qos dscp af41 media`: the RTP Tollgate sends
    to the callee is TOS 0x88; the caller's leg follows the inbound dial-peer 200
    (EF without a setting, CS4 with one), before and after a re-INVITE."""
    mlab.start_core([DialPeer(100, "9...", mlab.uas_port, extra=["ip qos dscp af41 media"]),
                     DialPeer(200, "8...", mlab.uas2_port, extra=["incoming called-number 9..."] + inbound)])
    c1, c2, b = tos_socket(), tos_socket(), tos_socket()
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
        ra = sdp_port(answers[0])                             # caller-facing relay port
        rb = sdp_port(bodies(uas.received(), r"INVITE ")[0])  # callee-facing relay port
        pkt = bytes([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xA]) + bytes(160)
        caller, switched_at = c1, None
        t0 = time.monotonic()
        while time.monotonic() - t0 < 2.7:
            if switched_at is None and len(bodies(uac.received(), r"SIP/2.0 200")) >= 2:
                switched_at = time.monotonic() + 0.2
            if switched_at is not None and time.monotonic() >= switched_at:
                caller = c2
            caller.sendto(pkt, ("127.0.0.1", ra))
            b.sendto(pkt, ("127.0.0.1", rb))
            time.sleep(0.02)
        assert caller is c2, "the re-INVITE was not answered in time:\n" + uac.report()
        time.sleep(0.3)
        at_b, at_c1, at_c2 = drain_tos(b), drain_tos(c1), drain_tos(c2)
    finally:
        for s in (c1, c2, b):
            s.close()
    assert len(at_b) >= 50 and set(at_b) == {0x88}, at_b
    assert len(at_c1) >= 20 and set(at_c1) == {caller_tos}, at_c1
    assert len(at_c2) >= 20 and set(at_c2) == {caller_tos}, at_c2   # after the re-INVITE
    assert uac.wait() == 0, uac.report()
    assert uas.wait() == 0, uas.report()


# ---------------------------------------------------------------------------
# IPv6: the per-datagram control message is IPV6_TCLASS

V6_CFG = """hostname dscp6
voice service voip
 sip
  listen-port non-secure 16060 secure 16061
voice class sip-options-keepalive 1
 up-interval 5
dial-peer voice 100 voip
 destination-pattern 1...
 session target ipv6:[::1]:16090
 session transport udp
 voice-class sip options-keepalive profile 1
 ip qos dscp af41 signaling
"""

V6_RECV = """import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::1", 16090))
s.setsockopt(socket.IPPROTO_IPV6, getattr(socket, "IPV6_RECVTCLASS", 66), 1)
s.settimeout(15)
open(sys.argv[1], "w").close()
data, anc, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(4))
tc = [int.from_bytes(c[2][:4], sys.byteorder) for c in anc
      if c[0] == socket.IPPROTO_IPV6 and c[1] == getattr(socket, "IPV6_TCLASS", 67)]
print("line=%s tclass=%s" % (data.split(b"\\r\\n", 1)[0].decode(), tc))
"""

V6_SCRIPT = """set -u
ip link set lo up
/usr/bin/python3 "$D/recv.py" "$D/ready" >"$D/recv.out" 2>&1 &
rx=$!
i=0; while [ ! -f "$D/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
"$TOLLGATED" -f "$D/cfg" -S "$D/sock" --foreground 2>"$D/log" &
core=$!
wait $rx
kill $core; wait $core
"""


@pytest.mark.skipif(not NETNS_OK, reason="unshare -n is not permitted here")
def test_udp_signalling_dscp_ipv6(tmp_path):
    """Over IPv6 the dial-peer's value goes as IPV6_TCLASS: AF41 (0x88)."""
    d = Path(tmp_path)
    (d / "cfg").write_text(V6_CFG)
    (d / "recv.py").write_text(V6_RECV)
    r = subprocess.run(["unshare", "-n", "sh", "-c", V6_SCRIPT], capture_output=True, text=True, timeout=60,
                       env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "D": str(d), "TOLLGATED": str(TOLLGATED)},
                       cwd=str(ROOT))
    out = (d / "recv.out").read_text(errors="replace") if (d / "recv.out").exists() else ""
    log = (d / "log").read_text(errors="replace") if (d / "log").exists() else ""
    assert "line=OPTIONS sip:" in out and "tclass=[136]" in out, out + r.stderr + log


def test_call_signalling_dscp(mlab):
    """The INVITE to the outbound dial-peer's target and the ACK of its final
    response carry its `ip qos dscp cs5 signaling` (0xa0)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
    s.settimeout(10)
    mlab.start_core([DialPeer(100, "9...", s.getsockname()[1], extra=["ip qos dscp cs5 signaling"])])
    uac = mlab.uac(extra=["-timeout", "10s"])
    uac.start()
    try:
        line, tos = recv_tos_raw(s)
        assert line[0].startswith(b"INVITE sip:") and tos == [0xa0], (line[0], tos)
        hdrs = {k: v for k, v in (h.split(b":", 1) for h in line[1:] if b":" in h)
                if k.lower() in (b"via", b"from", b"to", b"call-id", b"cseq")}
        resp = b"SIP/2.0 486 Busy Here\r\n" + b"".join(
            k + b":" + (v + b";tag=dscp" if k.lower() == b"to" else v) + b"\r\n" for k, v in hdrs.items()) + \
            b"Content-Length: 0\r\n\r\n"
        s.sendto(resp, ("127.0.0.1", mlab.sip_port))
        while True:
            line, tos = recv_tos_raw(s)
            if line[0].startswith(b"ACK "):
                break
        assert tos == [0xa0], (line[0], tos)
    finally:
        s.close()
        uac.kill()


def recv_tos_raw(s):
    """(header lines, TOS) of the next datagram on s."""
    data, anc, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(4))
    tos = [c[2][0] for c in anc if c[0] == socket.IPPROTO_IP and c[1] == IP_TOS]
    return data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"), tos
