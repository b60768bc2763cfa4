"""test_tls_fail_detail.py - the detail block under each "Last Failed TLS Handshakes"
row of `show sip-ua connections tcp tls detail` and the certificate log line
%SIP-2-TLS_CERT_DETAIL (docs/tls-troubleshooting.md).

Outbound (Tollgate the client, dial-peer 200 -> openssl s_server / gnutls-serv on
127.0.0.1) with the test PKI: an expired certificate, a certificate whose SAN is not
the session target, and servers that speak only a suite or only versions Tollgate
does not offer.  Inbound: gnutls-cli with TLS 1.1 and an SNI against the listener.
The one-line table row and the brief output stay as they were.
"""
import re
import time

from conftest import (ROOT, handshake_failures_logged, tls_client, tls_detail, tls_failed_handshakes,
                      wait_tcp_listen)
from sipphelp import free_port, lab  # noqa: F401
from test_tls_client import call_fails_503, dnsmasq, s_server, start_core

LOCAL = "127.0.0.1"


def failure_blocks(core):
    """{remote "A:P": [row line, block lines...]} of the last failure per remote address,
    from the "Last Failed TLS Handshakes" section."""
    text = tls_detail(core)
    sect, cur, out = False, None, {}
    for line in text.splitlines():
        if "Last Failed TLS Handshakes" in line:
            sect = True
            continue
        if not sect:
            continue
        if line.startswith("----") or (line and not line.startswith(" ")):
            break
        m = re.match(r"^  \w{3} [ \d]\d \d\d:\d\d:\d\d\s+\d+\s+(?:inbound|outbound)\s+\S+\s+(\S+)\s", line)
        if m:
            cur = out[m.group(1)] = [line]
        elif cur is not None and line.startswith("    "):
            cur.append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def field(block, label):
    """The value of "    Label    : value", with its continuation lines (wrapped at
    100 columns, indented to the value column) joined by a space."""
    m = re.search(rf"^\s+{re.escape(label)}\s*: (.*)((?:\n {{28}}\S.*)*)", block, re.M)
    if not m:
        return None
    return " ".join([m.group(1)] + [c.strip() for c in m.group(2).split("\n") if c.strip()])


def outbound_block(core, lab, srv_port):
    call_fails_503(lab)
    blocks = failure_blocks(core)
    key = f"{LOCAL}:{srv_port}"
    assert key in blocks, tls_detail(core)
    return blocks[key]


def docs_example_block():
    """The example block of docs/tls-troubleshooting.md ("The detail block of a failed
    handshake"): its table row and indented lines."""
    text = (ROOT / "docs/tls-troubleshooting.md").read_text()
    sect = text[text.index("## The detail block of a failed handshake"):]
    fence = sect[sect.index("```\n") + 4:]
    fence = fence[:fence.index("```")]
    lines = fence.splitlines()
    start = next(i for i, line in enumerate(lines) if "certificate expired" in line)
    return "\n".join(lines[start:])


def normalized(block):
    """Numbers (times, ports, ids, days) replaced, so a real block compares with the doc's."""
    return re.sub(r"\d+", "N", block).rstrip()


def test_expired_certificate_detail(lab, bg, tls_pki):
    srv_port = free_port()
    s_server(bg, "s_server", srv_port, tls_pki, "expired-cert.pem", "ca-inter.pem")
    core = start_core(lab, tls_pki, f"ipv4:{LOCAL}:{srv_port}")
    b = outbound_block(core, lab, srv_port)
    # the documented example is this very output
    assert normalized(b) == normalized(docs_example_block()), b
    assert field(b, "Dial-peer") == "200", b
    assert field(b, "TLS policy") == "trustpoint SBC, cn-san-validate server off", b
    assert field(b, "Configured by") == "crypto signaling default", b
    assert field(b, "SNI sent") == "none", b  # an IP address target
    assert field(b, "Negotiated") == "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", b
    assert field(b, "CertificateRequest") == "none", b
    assert field(b, "Curves offered") == "secp256r1, secp384r1, secp521r1, x25519", b
    assert field(b, "Alert sent") == "Certificate is expired", b
    assert "CN=expired.test.example" in field(b, "Peer certificate"), b
    assert "Tollgate Test Intermediate CA" in field(b, "Issuer"), b
    assert field(b, "Serial") == "2001", b
    assert re.fullmatch(r"2020-01-01 \d\d:\d\d:\d\d UTC to 2021-01-01 \d\d:\d\d:\d\d UTC "
                        r"\(expired \d+ days ago\)", field(b, "Valid")), b
    assert field(b, "Chain sent by peer") == "2 certificates", b
    check = field(b, "Failed check")
    assert re.search(r"validity: expired\.test\.example expired on 2021-01-01", check), b
    assert "chain: ok, to CA CN=Tollgate Test Root CA" in check, b
    assert "KEY" not in b.upper().replace("KEY PURPOSE", ""), b
    # syslog: the CUBE line as before, then the certificate line
    assert handshake_failures_logged(core, remote_port=srv_port) == ["certificate expired"]
    text = core.log_text()
    logs = re.findall(r"%SIP-2-TLS_CERT_DETAIL: (.*)", text)
    assert len(logs) == 1, text[-3000:]
    assert text.index("%SIP-2-TLS_HANDSHAKE_FAILED: Reason: certificate expired") < text.index("TLS_CERT_DETAIL")
    assert logs[0].startswith("Connection ID: "), logs
    assert "CN=expired.test.example" in logs[0] and "to 2021-01-01" in logs[0], logs
    assert "expired" in logs[0] and "serial 2001" in logs[0], logs


def test_wrong_san_detail(lab, bg, tls_pki):
    dns_port, srv_port = free_port(), free_port()
    dnsmasq(bg, dns_port, [("tls-a.test.example", LOCAL)])
    s_server(bg, "s_server", srv_port, tls_pki, "badname-cert.pem", "ca-inter.pem")
    core = start_core(lab, tls_pki, f"dns:tls-a.test.example:{srv_port}", dns_port=dns_port,
                      classes="voice class tls-profile 5\n trustpoint SBC\n cn-san validate server\n"
                              " sni send\n!\n",
                      dp_extra=["voice-class sip tls-profile 5"])
    b = outbound_block(core, lab, srv_port)
    assert field(b, "TLS policy") == "tls-profile 5, trustpoint SBC, cn-san-validate server on", b
    assert field(b, "Configured by") == "dial-peer 200 voice-class sip tls-profile", b
    assert field(b, "SNI sent") == "tls-a.test.example", b
    assert field(b, "Expected peer name") == "tls-a.test.example", b
    assert field(b, "SAN") == "wrong.test.example, 127.0.0.1", b
    assert field(b, "Alert sent") == "Certificate is bad", b
    assert re.search(r"\(\d+ days left\)$", field(b, "Valid")), b
    assert ("name: expected tls-a.test.example, certificate has SAN [wrong.test.example, 127.0.0.1] "
            "CN wrong.test.example") in field(b, "Failed check"), b
    logs = re.findall(r"%SIP-2-TLS_CERT_DETAIL: (.*)", core.log_text())
    assert len(logs) == 1 and "expected name tls-a.test.example" in logs[0], logs
    assert "SAN [wrong.test.example, 127.0.0.1]" in logs[0], logs


def test_no_shared_cipher_detail(lab, bg, tls_pki):
    """A server with only TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (not in the
    eight suites Tollgate offers by default): it answers handshake_failure."""
    srv_port = free_port()
    p = bg.start("gnutls-serv", ["gnutls-serv", "--port", str(srv_port), "--x509certfile",
                                 f"{tls_pki}/peer-chain.pem", "--x509keyfile", f"{tls_pki}/peer-key.pem",
                                 "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305"])
    assert wait_tcp_listen(srv_port, timeout=5, proc=p), bg.log(p)
    core = start_core(lab, tls_pki, f"ipv4:{LOCAL}:{srv_port}")
    b = outbound_block(core, lab, srv_port)
    assert b.split("\n")[0].rstrip().endswith("peer sent alert: Handshake failed"), b
    assert field(b, "Alert received") == "Handshake failed", b
    assert field(b, "Versions offered") == "TLSv1.2", b
    assert field(b, "Ciphers offered").startswith(
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), b
    assert "CHACHA20" not in field(b, "Ciphers offered"), b
    assert field(b, "Negotiated") == "nothing (failed before the ServerHello)", b
    assert field(b, "Peer certificate") == "none received", b
    assert "%SIP-2-TLS_CERT_DETAIL" not in core.log_text()


def test_protocol_version_detail(lab, bg, tls_pki):
    """A TLS 1.0/1.1-only server against transport tcp tls v1.2."""
    srv_port = free_port()
    p = bg.start("gnutls-serv", ["gnutls-serv", "--port", str(srv_port), "--x509certfile",
                                 f"{tls_pki}/peer-chain.pem", "--x509keyfile", f"{tls_pki}/peer-key.pem",
                                 "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0"])
    assert wait_tcp_listen(srv_port, timeout=5, proc=p), bg.log(p)
    core = start_core(lab, tls_pki, f"ipv4:{LOCAL}:{srv_port}")
    b = outbound_block(core, lab, srv_port)
    assert b.split("\n")[0].rstrip().endswith("protocol version"), b
    assert field(b, "Alert sent") == "Error in protocol version", b
    assert field(b, "Versions offered") == "TLSv1.2", b
    assert re.fullmatch(r"nothing \(the ServerHello chose TLSv1\.1 TLS_\w+\)", field(b, "Negotiated")), b


def test_inbound_old_version_shows_sni_and_offer(lab, tls_pki):
    core = lab.start_core(extra=(
        f"crypto pki trustpoint SBC\n revocation-check none\n certificate file {tls_pki}/sbc-chain.pem\n"
        f" private-key file {tls_pki}/sbc-key.pem\n ca-certificate file {tls_pki}/ca-bundle.pem\n!\n"
        "sip-ua\n transport tcp tls v1.2\n crypto signaling default trustpoint SBC\n!\n"))
    rc, out = tls_client(["gnutls-cli", "--x509cafile", f"{tls_pki}/ca-root.pem", "--priority",
                          "NORMAL:-VERS-ALL:+VERS-TLS1.1", "--sni-hostname", "sbc.test.example",
                          "-p", lab.tls_port, LOCAL])
    assert rc != 0, out
    end = time.monotonic() + 5
    while time.monotonic() < end and not any(r["direction"] == "inbound" for r in tls_failed_handshakes(core)):
        time.sleep(0.1)
    blocks = failure_blocks(core)
    b = [v for v in blocks.values() if " inbound " in v.split("\n")[0]]
    assert b, tls_detail(core)
    b = b[-1]
    assert "protocol version" in b.split("\n")[0], b
    assert field(b, "Dial-peer") is None, b
    assert field(b, "TLS policy") == "trustpoint SBC, cn-san validate client off", b
    assert field(b, "Configured by") == "crypto signaling default", b
    assert field(b, "SNI received") == "sbc.test.example", b
    assert field(b, "Client offered") == "TLSv1.1", b
    assert "TLS_" in field(b, "Client ciphers"), b
    assert field(b, "Client curves") not in (None, "none"), b
    assert field(b, "Our versions") == "TLSv1.2", b
    assert field(b, "Negotiated") == "nothing (failed before the ServerHello)", b
    assert field(b, "Alert sent") == "Error in protocol version", b
    assert field(b, "Peer certificate") == "none received", b
    # the brief output has no detail block
    brief = core.sh("show sip-ua connections tcp tls brief").stdout
    assert "SNI received" not in brief and "TLS policy" not in brief, brief


def test_inbound_no_shared_cipher_shows_both_lists(lab, tls_pki):
    core = lab.start_core(extra=(
        f"crypto pki trustpoint SBC\n revocation-check none\n certificate file {tls_pki}/sbc-chain.pem\n"
        f" private-key file {tls_pki}/sbc-key.pem\n ca-certificate file {tls_pki}/ca-bundle.pem\n!\n"
        "sip-ua\n transport tcp tls v1.2\n crypto signaling default trustpoint SBC\n!\n"))
    tls_client(["openssl", "s_client", "-connect", f"{LOCAL}:{lab.tls_port}", "-tls1_2",
                "-cipher", "ECDHE-RSA-CHACHA20-POLY1305", "-groups", "X25519"])
    end = time.monotonic() + 5
    while time.monotonic() < end and not tls_failed_handshakes(core):
        time.sleep(0.1)
    b = [v for v in failure_blocks(core).values() if " inbound " in v.split("\n")[0]]
    assert b and "no shared cipher" in b[-1].split("\n")[0], tls_detail(core)
    b = b[-1]
    assert field(b, "Client offered") == "TLSv1.2", b
    assert field(b, "Client ciphers") == "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", b
    assert field(b, "Client curves") == "x25519", b
    assert field(b, "Our ciphers").startswith("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "), b
    assert "CHACHA20" not in field(b, "Our ciphers"), b
    assert field(b, "Our curves") == "secp256r1, secp384r1, secp521r1, x25519", b
    assert field(b, "Alert sent") == "Handshake failed", b


def test_inbound_client_name_mismatch(lab, tls_pki):
    """cn-san validate client: a client certificate without the permitted name."""
    core = lab.start_core(extra=(
        f"crypto pki trustpoint SBC\n revocation-check none\n certificate file {tls_pki}/sbc-chain.pem\n"
        f" private-key file {tls_pki}/sbc-key.pem\n ca-certificate file {tls_pki}/ca-bundle.pem\n!\n"
        "voice class tls-profile 4\n trustpoint SBC\n cn-san validate client\n cn-san 1 client.test.example\n!\n"
        "sip-ua\n transport tcp tls v1.2\n crypto signaling default trustpoint SBC\n"
        f" crypto signaling remote-addr {LOCAL} 255.255.255.255 tls-profile 4\n!\n"))
    rc, out = tls_client(["gnutls-cli", "--x509cafile", f"{tls_pki}/ca-root.pem", "--sni-hostname",
                          "sbc.test.example", "--x509certfile", f"{tls_pki}/peer-chain.pem",
                          "--x509keyfile", f"{tls_pki}/peer-key.pem", "-p", lab.tls_port, LOCAL])
    end = time.monotonic() + 5
    while time.monotonic() < end and not tls_failed_handshakes(core):
        time.sleep(0.1)
    b = [v for v in failure_blocks(core).values() if " inbound " in v.split("\n")[0]]
    assert b and "name mismatch" in b[-1].split("\n")[0], tls_detail(core)
    b = b[-1]
    assert field(b, "TLS policy") == "tls-profile 4, trustpoint SBC, cn-san validate client on", b
    assert field(b, "Configured by") == "crypto signaling remote-addr (line 1)", b
    assert field(b, "SNI received") == "sbc.test.example", b
    assert field(b, "Expected peer name") == "client.test.example", b
    assert field(b, "CertificateRequest") == "sent", b
    assert field(b, "Negotiated").startswith("TLSv1.2 TLS_"), b
    assert field(b, "Our versions") is None, b  # negotiated: only the client's offer is shown
    assert "CN=peer.test.example" in field(b, "Peer certificate"), b
    assert field(b, "Failed check").endswith(
        "name: expected client.test.example, certificate has SAN [peer.test.example, 127.0.0.1] "
        "CN peer.test.example"), b
    logs = re.findall(r"%SIP-2-TLS_CERT_DETAIL: (.*)", core.log_text())
    assert len(logs) == 1 and "expected name client.test.example" in logs[0], logs
