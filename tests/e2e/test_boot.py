"""test_boot.py - a startup-config with bad lines boots and reports exactly them (issue 2).

Five bad lines among good ones (a typo, an out-of-range value, a bad number
pattern, a dangling reference, an unknown command): the core starts, logs each
as FILE:LINE, `show startup-config errors` lists exactly those five with their
line numbers, everything else is applied, `write memory` refuses to overwrite the
file until forced.  References are resolved after the whole file is read, so a
forward reference loads.  A rejected block header takes its indented lines with
it, and those are never applied to the block before.
"""
import re

# (text, bad?) - the line numbers come from the position in this list (1-based)
LINES = [
    ("hostname bootlab", False),                                  # 1
    ("!", False),                                                 # 2
    ("sip-ua", False),                                            # 3
    (" crypto signaling default tls-profile 10", False),         # 4  forward reference: fine
    (" timers connection aging tls 10", False),                   # 5
    ("!", False),                                                 # 6
    ("frobnicate the widget", True),                              # 7  unknown command
    ("!", False),                                                 # 8
    ("dial-peer voice 100 voip", False),                          # 9
    (" description good one", False),                             # 10
    (" destinaton-pattern 1...", True),                           # 11 typo
    (" preference 11", True),                                     # 12 out of range <0-10>
    (" destination-pattern 1[9-2]..", True),                      # 13 bad pattern
    (" voice-class codec 99", True),                              # 14 dangling reference
    (" session target ipv4:127.0.0.1:5090", False),               # 15
    (" huntstop", False),                                         # 16
    ("!", False),                                                 # 17
    ("dial-peer voice 200 voip", False),                          # 18
    (" destination-pattern 2...", False),                         # 19
    (" voice-class codec 1", False),                              # 20 forward reference: fine
    ("!", False),                                                 # 21
    ("voice class codec 1", False),                               # 22
    (" codec preference 1 g711alaw", False),                      # 23
    ("!", False),                                                 # 24
    ("voice class tls-profile 10", False),                        # 25
    (" sni send", False),                                         # 26
    ("!", False),                                                 # 27
    ("end", False),                                               # 28
]
BAD = {i + 1: t for i, (t, bad) in enumerate(LINES) if bad}
TEXT = "".join(t + "\n" for t, _ in LINES)
GOOD_TEXT = "".join(t + "\n" for t, bad in LINES if not bad)


def errors(core):
    """`show startup-config errors` -> {lineno: (reason, text)}; also the raw output."""
    out = core.sh("show startup-config errors", check=True).stdout
    path = re.escape(str(core.config))
    found = {}
    for m in re.finditer(rf"^{path}:(\d+): (.*)$", out, re.M):
        n = int(m.group(1))
        assert n not in found, f"line {n} listed twice:\n{out}"
        # the rejected text follows (after any continuation of the reason), indented by two
        rest = out[m.end():]
        found[n] = (m.group(2), rest)
    return found, out


def body(core):
    out = core.sh("show running-config", check=True).stdout
    return out[out.index("!\nhostname"):]


def test_five_bad_lines_boot_and_are_reported(tollgate):
    core = tollgate.start(config_text=TEXT)
    original = core.config.read_bytes()

    # 1. the core is up and logged each bad line as FILE:LINE
    log = core.log_text()
    for n in BAD:
        assert f"{core.config}:{n}:" in log, f"line {n} not logged as FILE:LINE:\n{log}"
    logged = {int(n) for n in re.findall(rf"{re.escape(str(core.config))}:(\d+):", log)}
    assert logged == set(BAD), (logged, log)

    # 2. show startup-config errors: exactly those five, with their text
    found, out = errors(core)
    assert set(found) == set(BAD), out
    assert re.search(r"\b5 lines\b", out), out
    for n, text in BAD.items():
        reason, rest = found[n]
        assert reason.strip(), out
        assert ("  " + text) in rest.split(f"{core.config}:", 1)[0], f"line {n} text missing:\n{out}"
    assert "codec 99" in found[14][0] or "99" in found[14][0], found[14]
    assert "Invalid input" in found[7][0]

    # 3. everything else applied: the same running-config as the file without the bad lines
    got = body(core)
    good = tollgate.start(config_text=GOOD_TEXT)
    assert errors(good)[0] == {}
    assert got == body(good)
    assert "dial-peer voice 100 voip\n description good one\n session target ipv4:127.0.0.1:5090\n" in got
    assert " huntstop\n" in got and "\n preference 1" not in got and "destination-pattern 1" not in got
    assert " crypto signaling default tls-profile 10\n" in got
    assert "dial-peer voice 200 voip\n destination-pattern 2...\n voice-class codec 1\n" in got
    good.stop()

    # show startup-config says so, too
    r = core.sh("show startup-config", check=True)
    assert "5 lines of this file were rejected" in r.stdout, r.stdout

    # 4. write memory is refused and the file is untouched
    r = core.sh("write memory")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "write memory force" in r.stdout + r.stderr
    assert "[OK]" not in r.stdout
    assert core.config.read_bytes() == original
    assert not core.config.with_name(core.config.name + ".bak").exists()
    r = core.sh("copy running-config startup-config")
    assert r.returncode == 1, r.stdout + r.stderr
    assert core.config.read_bytes() == original

    # 5. write memory force writes; afterwards nothing is pending
    r = core.sh("write memory force")
    assert r.returncode == 0 and "[OK]" in r.stdout, r.stdout + r.stderr
    assert core.config.read_text() == got
    assert core.config.with_name(core.config.name + ".bak").read_bytes() == original
    found, out = errors(core)
    assert found == {} and "No line" in out, out
    r = core.sh("write memory")
    assert r.returncode == 0 and "[OK]" in r.stdout, r.stdout + r.stderr
    assert "rejected" not in core.sh("show startup-config", check=True).stdout

    # and it reboots clean
    core.restart()
    assert errors(core)[0] == {}
    assert body(core) == got


def test_block_order_does_not_matter(tollgate):
    """Every reference points at a block defined later in the file."""
    text = """\
hostname order
!
dial-peer voice 10 voip
 incoming uri via LATER
 voice-class sip tls-profile 30
 voice-class sip srtp-crypto 4
 voice-class codec 5
 voice-class sip tenant 6
 voice-class sip options-keepalive profile 8
!
sip-ua
 crypto signaling default tls-profile 30
 crypto signaling remote-addr 192.0.2.0 /24 tls-profile 30
!
voice class tenant 6
 tls-profile 30
 srtp-crypto 4
!
voice class tls-profile 30
 cipher 2
!
voice class tls-cipher 2
 cipher 1 ECDHE_RSA_AES256_GCM_SHA384
!
voice class srtp-crypto 4
 crypto 1 AES_CM_128_HMAC_SHA1_80
!
voice class codec 5
 codec preference 1 g711ulaw
!
voice class sip-options-keepalive 8
 retry 2
!
voice class uri LATER sip
 host dns:carrier.example.com
!
end
"""
    core = tollgate.start(config_text=text)
    found, out = errors(core)
    assert found == {}, out + core.log_text()
    got = body(core)
    for line in (" incoming uri via LATER", " voice-class sip tls-profile 30", " voice-class sip srtp-crypto 4",
                 " voice-class codec 5", " voice-class sip tenant 6", " voice-class sip options-keepalive profile 8",
                 " crypto signaling default tls-profile 30",
                 " crypto signaling remote-addr 192.0.2.0 /24 tls-profile 30", " tls-profile 30", " cipher 2"):
        assert line + "\n" in got, (line, got)
    # the reference is really checked: a dangling one in the same place is reported with its line
    bad = text.replace(" voice-class sip tls-profile 30", " voice-class sip tls-profile 31")
    core2 = tollgate.start(config_text=bad)
    found, out = errors(core2)
    assert set(found) == {5}, out
    assert "31" in found[5][0], out


def test_rejected_header_rejects_its_children(tollgate):
    text = """\
hostname hdr
!
dial-peer voice 100 voip
 description the previous peer
 destination-pattern 1...
!
dial-peer voice 0 voip
 description child of a bad header
 huntstop
 preference 5
dial-peer voice 200 voip
 description after the bad block
!
end
"""
    core = tollgate.start(config_text=text)
    found, out = errors(core)
    assert set(found) == {7, 8, 9, 10}, out
    for n in (8, 9, 10):
        reason = found[n][0]
        assert "line 7" in reason, f"line {n}: reason should name the header's line:\n{out}"
    got = body(core)
    # the children were not applied to dial-peer 100 (nor anywhere)
    assert "dial-peer voice 100 voip\n description the previous peer\n destination-pattern 1...\n!\n" in got, got
    assert "child of a bad header" not in got and "huntstop" not in got and "\n preference 5" not in got, got
    assert "dial-peer voice 0" not in got
    # the next block after it applies normally
    assert "dial-peer voice 200 voip\n description after the bad block\n" in got, got
    for n in (7, 8, 9, 10):
        assert f"{core.config}:{n}:" in core.log_text()


# ---- the core's life cycle: socket, SIGTERM, a second core, a stale socket ----

import grp  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import stat  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from conftest import ROOT, TOLLGATED  # noqa: E402


def test_socket_mode_0660(tollgate):
    core = tollgate.start(config_text="hostname sock\n")
    st = os.lstat(core.sock)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o660, oct(st.st_mode)
    try:
        gid = grp.getgrnam("tollgate").gr_gid
    except KeyError:
        gid = None
    if gid is not None:
        assert st.st_gid == gid


def test_sigterm_stops_cleanly(tollgate):
    core = tollgate.start(config_text="hostname term\n")
    assert core.sh("show users", check=True).returncode == 0
    core.proc.send_signal(signal.SIGTERM)
    rc = core.proc.wait(timeout=10)
    assert rc == 0, core.log_text()
    assert not core.sock.exists(), "the control socket was left behind"
    assert not core.config.with_name(core.config.name + ".bak").exists()
    assert core.config.read_text() == "hostname term\n"   # stopping does not save


def test_second_core_on_same_socket_refuses(tollgate):
    core = tollgate.start(config_text="hostname first\n")
    other = core.tmp / "other-config"
    other.write_text("hostname second\n")
    r = subprocess.run([str(TOLLGATED), "-f", str(other), "-S", str(core.sock), "--foreground"], cwd=str(ROOT),
                       capture_output=True, text=True, timeout=20)
    msg = r.stdout + r.stderr
    assert r.returncode != 0, msg
    assert str(core.sock) in msg and ("in use" in msg or "already" in msg), msg
    # the first core is untouched and still owns the socket
    assert core.proc.poll() is None
    assert stat.S_ISSOCK(os.lstat(core.sock).st_mode)
    out = core.sh("show running-config", check=True).stdout
    assert "hostname first\n" in out and "second" not in out


def test_stale_socket_replaced_on_restart(tollgate):
    core = tollgate.start(config_text="hostname stale\n")
    core.kill9()
    assert stat.S_ISSOCK(os.lstat(core.sock).st_mode), "kill -9 should leave the socket file"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(core.sock))
            connected = True
        except OSError:
            connected = False
    assert not connected, "nobody should be listening on the stale socket"
    # mark the stale file, so that its replacement can be told apart (inodes get reused)
    os.chmod(core.sock, 0o600)
    os.utime(core.sock, (1000000000, 1000000000), follow_symlinks=False)
    core.start()
    assert os.lstat(core.sock).st_mtime > 1000000000
    assert stat.S_IMODE(os.lstat(core.sock).st_mode) == 0o660
    assert "hostname stale\n" in core.sh("show running-config", check=True).stdout
    # and SIGTERM after that still removes it
    core.proc.send_signal(signal.SIGTERM)
    assert core.proc.wait(timeout=10) == 0
    end = time.monotonic() + 2
    while core.sock.exists() and time.monotonic() < end:
        time.sleep(0.05)
    assert not core.sock.exists()


def _daemon_pid(sock):
    """The PID of the background core serving sock (from /proc: nothing else knows it)."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            argv = open(f"/proc/{d}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"tollgated") and str(sock).encode() in argv:
            return int(d)
    return None


def test_background_start_keeps_the_media_thread(tmp_path):
    """Without --foreground the core detaches only after its start-up succeeded:
    the command returns 0 once the socket answers, the daemon has its media
    relay thread (a fork after the threads started would have lost it) and
    stdio on /dev/null; a start-up error still reaches stderr and exit 1."""
    cfg = tmp_path / "startup-config"
    cfg.write_text("hostname bg\n")
    sock = tmp_path / "bg.sock"
    r = subprocess.run([str(TOLLGATED), "-f", str(cfg), "-S", str(sock)], capture_output=True, text=True,
                       timeout=20)
    pid = _daemon_pid(sock)
    try:
        assert r.returncode == 0, r.stderr
        assert pid is not None, "no background tollgated for " + str(sock)
        # ready when the command returned: no waiting needed
        out = subprocess.run([str(TOLLGATED.with_name("tollsh")), "-S", str(sock), "-c", "show running-config"],
                             capture_output=True, text=True, timeout=20).stdout
        assert "hostname bg" in out, out
        threads = sorted(open(f"/proc/{pid}/task/{t}/comm").read().strip()
                         for t in os.listdir(f"/proc/{pid}/task"))
        assert "tg-relay0" in threads, threads
        for fd in (0, 1, 2):
            assert os.readlink(f"/proc/{pid}/fd/{fd}") == "/dev/null"
        # a second start on the same socket fails in the foreground of the caller, exit 1
        r2 = subprocess.run([str(TOLLGATED), "-f", str(cfg), "-S", str(sock)], capture_output=True, text=True,
                            timeout=20)
        assert r2.returncode == 1 and "in use" in r2.stderr, (r2.returncode, r2.stderr)
    finally:
        if pid:
            os.kill(pid, signal.SIGTERM)
            end = time.monotonic() + 10
            while os.path.exists(f"/proc/{pid}") and time.monotonic() < end:
                time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}"), "the background core did not stop on SIGTERM"
