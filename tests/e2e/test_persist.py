"""test_persist.py - write memory, kill -9, restart: the same configuration (issue 2).

A rich configuration (trustpoint, voice service voip with its sip sub-mode,
every kind of voice class, sip-ua, several dial-peers) is changed through the
shell, saved with `write memory`, the core is killed with SIGKILL and started
again on the same file: `show running-config` must be identical.  The saved
file is the rendered configuration, has mode 0640, the previous version is kept
as FILE.bak, and no temporary file is left in the directory.
"""
import os
import re
import socket
import stat

from conftest import ensure_lab_pki


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rich_config(pki):
    """Listeners (voice service voip is present) bind to loopback on free high ports."""
    plain, secure, tenant = free_port(), free_port(), free_port()
    return f"""\
hostname persist1
!
logging buffered 65536
!
crypto pki trustpoint LAB
 enrollment terminal pem
 revocation-check none
 certificate file {pki}/sbc-chain.pem
 private-key file {pki}/sbc-key.pem
 ca-certificate file {pki}/ca-bundle.pem
!
voice service voip
 ip address trusted list
  ipv4 192.0.2.10
  ipv4 198.51.100.0 255.255.255.0
  ipv4 203.0.113.0 /25
 allow-connections sip to sip
 srtp fallback
 rtp-port range 16384 32766
 sip
  session transport tcp tls
  url sips
  srtp-crypto 1
  listen-port non-secure {plain} secure {secure}
  bind control source-address 127.0.0.1
  early-offer forced
!
voice class codec 1
 codec preference 1 g711ulaw
 codec preference 2 g711alaw
!
voice class uri CARRIER sip
 host ipv4:192.0.2.10
 pattern ^\\+1
!
voice class tls-cipher 1
 cipher 1 ECDHE_RSA_AES128_GCM_SHA256
 cipher 2 ECDHE_RSA_AES256_GCM_SHA384
!
voice class tls-profile 10
 cipher 1
 cn-san validate server
 cn-san 1 sbc.example.com
 sni send
 ecdh-curve secp384r1
!
voice class tls-profile 20
 description with trustpoint
 trustpoint LAB
 client-vtp LAB
!
voice class srtp-crypto 1
 crypto 1 AES_CM_128_HMAC_SHA1_80
 crypto 3 AEAD_AES_256_GCM
!
voice class tenant 7
 sip-server dns:sip.example.net:5061
 session transport tcp tls
 url sips
 tls-profile 20
 listen-port secure {tenant}
!
voice class sip-options-keepalive 5
 description carrier ping
 up-interval 30
 retry 3
!
sip-ua
 transport tcp tls v1.2
 crypto signaling default tls-profile 10
 crypto signaling remote-addr 192.0.2.0 /24 trustpoint LAB cn-san-validate server
 timers connection aging tls 10
 connection-reuse
 sip-server ipv4:192.0.2.20:5061
!
dial-peer voice 100 voip
 description to carrier
 destination-pattern 1[2-9]..[2-9]......
 session protocol sipv2
 session target dns:carrier.example.net:5061
 session transport tcp tls
 voice-class sip srtp-crypto 1
 voice-class sip tls-profile 10
 voice-class codec 1
 dtmf-relay rtp-nte
 srtp
 preference 1
!
dial-peer voice 200 voip
 description from carrier
 incoming uri via CARRIER
 session protocol sipv2
 voice-class sip options-keepalive profile 5
 codec g711ulaw
 huntstop
!
dial-peer voice 300 voip
 destination-pattern 3...
 session target dns:pbx.example.com:5060
 session transport udp
 shutdown
!
dial-peer voice 400 voip
 session target sip-server
 voice-class sip tenant 7
 voice-class sip tgrp TG1 trunk-context example.com
!
end
"""


HEADER = re.compile(r"\ABuilding configuration\.\.\.\n\nCurrent configuration : (\d+) bytes\n")


def running(core):
    """`show running-config`: (the whole output, the configuration body)."""
    out = core.sh("show running-config", check=True).stdout
    m = HEADER.match(out)
    assert m, out
    body = out[m.end():]
    assert int(m.group(1)) == len(body.encode()), out
    assert body.startswith("!\nhostname ") and body.endswith("\nend\n"), body
    return out, body


def dir_entries(core):
    return sorted(os.listdir(core.tmp))


def expected_entries(core, bak=True):
    names = [core.config.name, core.sock.name, core.log.name]
    if bak:
        names.append(core.config.name + ".bak")
    return sorted(names)


def write_memory(core):
    r = core.sh("write memory")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[OK]" in r.stdout, r.stdout
    return r


def test_write_kill9_restart_same_running_config(tollgate):
    pki = ensure_lab_pki()
    original = rich_config(pki)
    core = tollgate.start(config_text=original)
    os.chmod(core.config, 0o644)
    r = core.sh("show startup-config errors", check=True)
    assert "No line" in r.stdout, r.stdout + core.log_text()
    _, body0 = running(core)
    # the loader accepted every block of the rich file
    for block in ("crypto pki trustpoint LAB", "voice service voip", " sip\n", "voice class uri CARRIER sip",
                  "voice class tls-cipher 1", "voice class tls-profile 20", "voice class tenant 7",
                  "voice class sip-options-keepalive 5", "sip-ua", "dial-peer voice 400 voip"):
        assert block in body0, block

    # change it through the shell, in several modes
    core.run_config([
        "hostname persist2",
        "dial-peer voice 500 voip",
        " description added before the first write",
        " destination-pattern 5...",
        " session target ipv4:127.0.0.1:5090",
        " session transport udp",
        " preference 3",
        "voice class codec 2",
        " codec preference 1 opus",
        "sip-ua",
        " timers connection establish tls 5",
        "no dial-peer voice 300",
    ])
    out1, body1 = running(core)
    assert "hostname persist2\n" in body1 and "dial-peer voice 500 voip" in body1
    assert "dial-peer voice 300" not in body1 and " timers connection establish tls 5\n" in body1

    write_memory(core)
    saved1 = core.config.read_text()
    assert saved1 == body1, "the startup-config is not the rendered running-config"
    assert stat.S_IMODE(core.config.stat().st_mode) == 0o640
    bak = core.config.with_name(core.config.name + ".bak")
    assert bak.read_text() == original, "FILE.bak does not hold the file as it was before the write"
    assert dir_entries(core) == expected_entries(core), dir_entries(core)

    # kill -9 and restart on the same file: the same running-config, byte for byte
    core.kill9()
    assert core.sock.exists(), "kill -9 should leave the socket file behind (the stale-socket case)"
    core.start()
    out2, body2 = running(core)
    assert out2 == out1
    r = core.sh("show startup-config errors", check=True)
    assert "No line" in r.stdout, r.stdout

    # a second change and write: FILE.bak now holds the first written version
    core.run_config(["dial-peer voice 600 voip", " description after restart", " huntstop"])
    _, body3 = running(core)
    write_memory(core)
    assert core.config.read_text() == body3
    assert bak.read_text() == saved1
    assert stat.S_IMODE(core.config.stat().st_mode) == 0o640
    assert dir_entries(core) == expected_entries(core), dir_entries(core)

    core.kill9()
    core.start()
    out4, body4 = running(core)
    assert body4 == body3


def test_show_startup_config_after_write(tollgate):
    core = tollgate.start(config_text="hostname st1\n!\ndial-peer voice 1 voip\n destination-pattern 1...\n!\nend\n")
    core.run_config(["dial-peer voice 2 voip", " destination-pattern 2..."])
    write_memory(core)
    _, body = running(core)
    out = core.sh("show startup-config", check=True).stdout
    m = re.match(r"Using (\d+) out of (\d+) bytes\n", out)
    assert m, out
    assert int(m.group(1)) == len(core.config.read_bytes())
    assert int(m.group(2)) >= int(m.group(1))
    assert out[m.end():] == body


def test_copy_running_config_startup_config_and_write_alias(tollgate):
    core = tollgate.start(config_text="hostname cp1\nend\n")
    core.run_config(["hostname cp2"])
    r = core.sh("copy running-config startup-config")
    assert r.returncode == 0 and "[OK]" in r.stdout, r.stdout + r.stderr
    assert "hostname cp2\n" in core.config.read_text()
    core.run_config(["hostname cp3"])
    r = core.sh("write")      # IOS: bare `write` is write memory
    assert r.returncode == 0 and "[OK]" in r.stdout, r.stdout + r.stderr
    assert "hostname cp3\n" in core.config.read_text()
    assert "hostname cp2\n" in core.config.with_name(core.config.name + ".bak").read_text()
    assert dir_entries(core) == expected_entries(core), dir_entries(core)


def test_yaml_startup_config_write_kill9_restart(tollgate):
    """The same cycle with a YAML startup-config: saved as YAML, reloaded identically."""
    core0 = tollgate.start(config_text=rich_config(ensure_lab_pki()))
    yaml_text = core0.sh("show running-config yaml", check=True).stdout
    _, body0 = running(core0)
    core0.stop()

    core = tollgate.start(config_text=yaml_text, name="startup-config.yaml")
    r = core.sh("show startup-config errors", check=True)
    assert "No line" in r.stdout, r.stdout + core.log_text()
    _, body = running(core)
    assert body == body0
    core.run_config(["dial-peer voice 700 voip", " description yaml-side", " destination-pattern 7..."])
    _, body1 = running(core)
    write_memory(core)
    saved = core.config.read_text()
    assert "description" in saved and not saved.lstrip().startswith("!"), saved[:200]
    assert stat.S_IMODE(core.config.stat().st_mode) == 0o640
    assert core.config.with_name(core.config.name + ".bak").read_text() == yaml_text
    assert dir_entries(core) == expected_entries(core), dir_entries(core)
    core.kill9()
    core.start()
    _, body2 = running(core)
    assert body2 == body1
