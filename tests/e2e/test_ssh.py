"""test_ssh.py - tollsh as an SSH login shell, through a real sshd (issue 2).

Starts tollgated on a tiny startup-config and Debian's OpenSSH sshd on 127.0.0.1
on a free high port, with generated host and user keys and a ForceCommand that
runs build/tollsh, then checks `ssh host 'show running-config'` and an
interactive `ssh -tt` login driven through a pty.  Runs as root (the login
user is root).  TOLLGATE_BUILD may point at another build directory.
"""
import fcntl
import os
import pty
import re
import select
import shutil
import socket
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("TOLLGATE_BUILD", ROOT / "build")).resolve()
SSHD = "/usr/sbin/sshd"


def wait_for(pred, timeout, what, proc=None, log=None):
    """Poll pred() until it is true; fail with the process log otherwise."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    text = log.read_text(errors="replace") if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{text}")


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def can_connect_unix(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(path))
            return True
        except OSError:
            return False


def can_connect_tcp(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def core(tmp_path):
    cfg = tmp_path / "startup-config"
    cfg.write_text("hostname sshlab\n")
    sock = tmp_path / "sock"
    log = tmp_path / "tollgated.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(BUILD / "tollgated"), "-f", str(cfg), "-S", str(sock), "--foreground"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: sock.exists() and can_connect_unix(sock), 15,
                 "tollgated's control socket", proc, log)
        yield sock
    finally:
        stop(proc)


@pytest.fixture
def sshd(tmp_path, core):
    if not os.path.exists(SSHD):
        pytest.skip("sshd (openssh-server) is not installed")
    d = tmp_path / "ssh"
    d.mkdir()
    host_key = d / "host_ed25519"
    user_key = d / "id_ed25519"
    for key in (host_key, user_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tollgate-test",
                        "-f", str(key)], check=True, timeout=30)
    authorized = d / "authorized_keys"
    shutil.copyfile(str(user_key) + ".pub", authorized)
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation dir

    port = free_port()
    tollsh = BUILD / "tollsh"
    cfg = d / "sshd_config"
    cfg.write_text(f"""\
ListenAddress 127.0.0.1
Port {port}
HostKey {host_key}
PidFile {d / "sshd.pid"}
AuthorizedKeysFile {authorized}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PrintMotd no
PrintLastLog no
PermitRootLogin prohibit-password
LogLevel VERBOSE
Match User root
    ForceCommand env TOLLSH_SOCKET={core} {tollsh}
""")
    log = d / "sshd.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(cfg)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: can_connect_tcp(port), 15, "sshd to listen", proc, log)
        yield {"port": port, "key": user_key, "log": log}
    finally:
        stop(proc)


def ssh_cmd(srv, *extra):
    return ["ssh", "-F", "/dev/null", "-i", str(srv["key"]), "-p", str(srv["port"]),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            "-o", "ConnectTimeout=10", *extra, "root@127.0.0.1"]


def test_ssh_command(sshd):
    """`ssh host 'show running-config'` runs through SSH_ORIGINAL_COMMAND."""
    r = subprocess.run(ssh_cmd(sshd) + ["show running-config"], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    detail = (r.stderr.decode(errors="replace") + "\n"
              + sshd["log"].read_text(errors="replace"))
    assert r.returncode == 0, detail
    assert "hostname sshlab" in r.stdout.decode().splitlines(), r.stdout.decode() + detail


class Pty:
    """A process on a pseudo-terminal, with a small expect()."""

    def __init__(self, argv):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = dict(os.environ, TERM="vt100")
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     env=env, start_new_session=True)
        os.close(slave)
        self.seen = b""  # everything read so far
        self.pos = 0     # expect() searches from here

    def _read(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(self.master, 4096)
        except OSError:  # EIO: the other side closed
            data = b""
        self.seen += data
        return bool(data)

    def text(self):
        """What was seen, without carriage returns and terminal escapes."""
        return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\r", b"", self.seen)

    def expect(self, pattern, timeout=20):
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.text(), self.pos)
            if m:
                self.pos = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.2)):
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"did not see {pattern!r}; got {self.seen!r}")

    def send(self, data):
        os.write(self.master, data)

    def wait(self, timeout=20):
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self._read(0.1)  # keep draining so the child never blocks on output
        return self.proc.poll()

    def close(self):
        stop(self.proc)
        os.close(self.master)


def test_ssh_interactive(sshd):
    """`ssh -tt host` gives the prompt; commands run; `exit` ends the session."""
    t = Pty(ssh_cmd(sshd, "-tt"))
    try:
        t.expect(rb"sshlab#")
        t.send(b"show running-config | include hostname\n")
        t.expect(rb"^hostname sshlab$")
        t.expect(rb"sshlab#")
        t.send(b"exit\n")
        rc = t.wait(20)
        assert rc is not None, f"the ssh session did not end; got {t.seen!r}"
        assert rc == 0, f"ssh exited {rc}; got {t.seen!r}"
    finally:
        t.close()
