"""test_tls_cnsan.py - `cn-san-validate server` with an IP-address session target
whose TLS comes from `voice service voip` (not from the dial-peer).

Typed, such a dial-peer is refused (tests/cli/tlslevels.in covers every level);
from a startup-config it is only reported at boot (%SIP-3-CONFIG), so the core
must then fail the handshake closed instead of accepting any certificate the CA
signed without a name check: the OPTIONS keepalive's handshake fails, is logged
as %SIP-2-TLS_HANDSHAKE_FAILED with the reason, counted and listed under
"Last Failed TLS Handshakes", and a call gets 503.  The server (openssl
s_server on 127.0.0.1) presents a good certificate: without the check the
handshake would succeed.
"""
import re
import time

from conftest import handshake_failures_logged, tls_counters, tls_failed_handshakes
from sipphelp import DialPeer, free_port, lab  # noqa: F401
from test_tls_client import call_fails_503, s_server, trustpoint

LOCAL = "127.0.0.1"
REASON = (r"cn-san-validate server: no server name to check the certificate against "
          r"\(the session target is an IP address; use session target dns:NAME\)")


def test_global_tls_ip_target_fails_closed_and_is_logged(lab, bg, tls_pki):
    srv_port = free_port()
    s_server(bg, "s_server", srv_port, tls_pki, "peer-cert.pem", "ca-inter.pem")
    extra = (trustpoint(tls_pki)
             + "sip-ua\n crypto signaling default trustpoint SBC cn-san-validate server\n"
               " timers connection establish tls 5\n!\n"
             + "voice class sip-options-keepalive 1\n up-interval 5\n down-interval 5\n retry 1\n!\n")
    dp = DialPeer(200, "9T", srv_port, extra=["voice-class sip options-keepalive profile 1"])
    core = lab.start_core([dp], sip_extra=["session transport tcp tls"], extra=extra)

    def ctx():
        return core.log_text()[-4000:]

    # reported at boot, naming the level that sets TLS
    assert re.search(r"%SIP-3-CONFIG: dial-peer 200: session target ipv4:127\.0\.0\.1:\d+ is an IP "
                     r"address, but its TLS policy has cn-san-validate server.*inherited from voice "
                     r"service voip", core.log_text()), ctx()
    # the keepalive's handshake fails closed, and says why
    end = time.monotonic() + 10
    while time.monotonic() < end and not handshake_failures_logged(core, remote_port=srv_port):
        time.sleep(0.2)
    logged = handshake_failures_logged(core, remote_port=srv_port)
    assert logged and re.fullmatch(REASON, logged[0]), ctx()
    rows = [r for r in tls_failed_handshakes(core) if r["remote"] == f"{LOCAL}:{srv_port}"]
    assert rows and rows[-1]["direction"] == "outbound", rows
    assert re.fullmatch(REASON, rows[-1]["reason"]), rows
    assert tls_counters(core)["client"] >= 1, ctx()
    assert "options-keepalive state = busyout" in core.sh("show dial-peer voice 200").stdout, ctx()

    # a call: its only dial-peer is busied out
    call_fails_503(lab)
