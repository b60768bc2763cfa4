"""test_dscp.py - Tollgate marks its SIP signalling DSCP CS3 (TOS 0x60), CUBE's default.

A dial-peer's OPTIONS keepalive reaches a UDP socket of the test, which reads
the TOS byte of the datagram (IP_RECVTOS); over TCP, tcpdump on lo reads it from
Tollgate's SYN.  Loopback only, bounded waits.
"""
import shutil
import socket
import subprocess
import time

import pytest

IP_RECVTOS = getattr(socket, "IP_RECVTOS", 13)
IP_TOS = getattr(socket, "IP_TOS", 1)


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(port, transport):
    sip = free_port(socket.SOCK_DGRAM)
    return (f"hostname dscp\n!\nvoice service voip\n sip\n  bind control source-address 127.0.0.1\n"
            f"  listen-port non-secure {sip} secure {free_port(socket.SOCK_STREAM)}\n!\n"
            f"voice class sip-options-keepalive 1\n up-interval 5\n!\n"
            f"dial-peer voice 100 voip\n destination-pattern 1...\n"
            f" session target ipv4:127.0.0.1:{port}\n session transport {transport}\n"
            f" voice-class sip options-keepalive profile 1\n!\nend\n")


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


@pytest.mark.skipif(not shutil.which("tcpdump"), reason="tcpdump not installed (tests/deps.sh installs it)")
def test_tcp_signalling_is_cs3(tollgate, tmp_path):
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
        tollgate.start(config_text=config(port, "tcp"))
        conn, _ = lst.accept()
        conn.close()
        out, _ = cap.communicate(timeout=25)
        assert "tos 0x60" in out, out
    finally:
        if cap.poll() is None:
            cap.kill()
            cap.wait()
        lst.close()
