"""test_sessions.py - several tollsh sessions on one core at once (issue 2).

Three shells share one tollgated: an interactive one on a pty (readline, as an
SSH login would get), a long-lived one fed through a pipe and sitting in
configuration mode, and short `tollsh -c` runs.  A change typed in one is seen
at once in `show running-config` of the others, and `show users` lists every
open session, marking the one that asked with `*`.
"""
import os
import re
import select
import subprocess
import time

import pytest

from conftest import TOLLSH
from ptyhelp import PtySession

CONFIG = """\
hostname multi
!
voice class codec 1
 codec preference 1 g711ulaw
!
dial-peer voice 100 voip
 description first
 destination-pattern 1...
 session target ipv4:127.0.0.1:5090
!
end
"""

USER_LINE = re.compile(r"^([* ])\s+(vty\d+)\s+(\S+)\s+(\d\d:\d\d:\d\d)\s+.*?\s(exec|config)\b", re.M)


class PipeSession:
    """A tollsh kept open on a pipe (script mode with --echo).

    After each command a comment line `!sync-N` is sent; tollsh runs lines in
    order, each waiting for the core's DONE, so the echo of the marker means the
    command's whole output has arrived."""

    def __init__(self, sock):
        self.proc = subprocess.Popen([str(TOLLSH), "-S", str(sock), "--echo"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.buf = b""
        self.n = 0

    def _read_until(self, token, timeout):
        end = time.monotonic() + timeout
        while token not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"pipe session: no {token!r} within {timeout}s; got:\n"
                                     + self.buf.decode(errors="replace"))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise AssertionError("pipe session: tollsh closed its output; got:\n"
                                         + self.buf.decode(errors="replace"))
                self.buf += chunk
        i = self.buf.index(token) + len(token)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode(errors="replace")

    def cmd(self, line, timeout=10):
        """Send one line; return everything tollsh printed for it (echo included)."""
        self.n += 1
        marker = f"!sync-{self.n}"
        self.proc.stdin.write(f"{line}\n{marker}\n".encode())
        self.proc.stdin.flush()
        out = self._read_until(marker.encode() + b"\n", timeout)
        # drop the marker's own echo line (prompt + marker)
        return out[: out.rfind("\n", 0, len(out) - 1) + 1]

    def close(self, timeout=10):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        return self.proc.returncode


def users(text):
    """Parse `show users` into a list of (star, line, user, mode)."""
    assert "Line" in text and "User" in text, text
    return [(m.group(1), m.group(2), m.group(3), m.group(5)) for m in USER_LINE.finditer(text)]


@pytest.fixture
def sessions(tollgate):
    core = tollgate.start(config_text=CONFIG)
    opened = []
    yield core, opened
    for s in opened:
        s.close()


def test_change_in_one_session_seen_in_others(sessions):
    core, opened = sessions
    pt = PtySession(core.sock)
    opened.append(pt)
    pt.expect(r"multi#\s*$")
    pt.cmd("terminal length 0", "multi#")

    pipe = PipeSession(core.sock)
    opened.append(pipe)
    out = pipe.cmd("configure terminal")
    assert "multi(config)#" in pipe.cmd("!noop"), out

    # 1. the pipe session (in config mode) adds a dial-peer; no `end` yet
    out = pipe.cmd("dial-peer voice 4242 voip")
    assert "%" not in out, out
    out = pipe.cmd(" description added-in-pipe")
    assert "%" not in out, out
    out = pipe.cmd(" destination-pattern 42..")
    assert "%" not in out, out

    # ... seen by a -c session and by the interactive one
    r = core.sh("show running-config", check=True)
    assert re.search(r"^dial-peer voice 4242 voip\n description added-in-pipe\n destination-pattern 42\.\.\n",
                     r.stdout, re.M), r.stdout
    out = pt.cmd("show running-config | section dial-peer voice 4242", "multi#")
    assert "dial-peer voice 4242 voip" in out and "description added-in-pipe" in out, out

    # 2. the interactive session changes something; the pipe session sees it (via do)
    pt.cmd("configure terminal", "multi(config)#")
    out = pt.cmd("dial-peer voice 100 voip", "multi(config-dial-peer)#")
    out = pt.cmd("description changed-on-pty", "multi(config-dial-peer)#")
    assert "%" not in out, out
    pt.cmd("end", "multi#")
    out = pipe.cmd("do show running-config")
    assert re.search(r"^dial-peer voice 100 voip\n description changed-on-pty\n", out, re.M), out
    assert "description first" not in out, out
    assert "dial-peer voice 4242 voip" in out, out

    # 3. a -c session removes what the pipe session made; both others see it gone
    core.sh("configure terminal", "no dial-peer voice 4242", "end", check=True)
    out = pipe.cmd("do show running-config")
    assert "4242" not in out, out
    out = pt.cmd("show running-config", "multi#")
    assert "4242" not in out and "description changed-on-pty" in out, out

    # the pipe session is still in its sub-mode and still works
    out = pipe.cmd("!noop")
    assert "multi(config-dial-peer)#" in out or "multi(config)#" in out, out
    assert pipe.proc.poll() is None


def test_show_users_lists_every_session_and_marks_the_caller(sessions):
    core, opened = sessions
    pt = PtySession(core.sock)
    opened.append(pt)
    pt.expect(r"multi#\s*$")
    pt.cmd("terminal length 0", "multi#")
    pipe = PipeSession(core.sock)
    opened.append(pipe)
    pipe.cmd("configure terminal")

    # from the pty: two sessions, the pty one starred
    u_pt = users(pt.cmd("show users", "multi#"))
    assert len(u_pt) == 2, u_pt
    assert [u[0] for u in u_pt].count("*") == 1, u_pt
    me_pt = next(u[1] for u in u_pt if u[0] == "*")

    # from the pipe (configuration mode, through do): same two, the pipe one starred
    u_pipe = users(pipe.cmd("do show users"))
    assert len(u_pipe) == 2, u_pipe
    assert [u[0] for u in u_pipe].count("*") == 1, u_pipe
    me_pipe = next(u[1] for u in u_pipe if u[0] == "*")
    assert me_pipe != me_pt
    assert {u[1] for u in u_pipe} == {u[1] for u in u_pt} == {me_pt, me_pipe}

    # from a -c session: all three, the -c one starred; the pipe one is in config mode
    r = core.sh("show users", check=True)
    u_c = users(r.stdout)
    assert len(u_c) == 3, r.stdout
    assert [u[0] for u in u_c].count("*") == 1, r.stdout
    me_c = next(u[1] for u in u_c if u[0] == "*")
    assert me_c not in (me_pt, me_pipe)
    assert {u[1] for u in u_c} == {me_pt, me_pipe, me_c}
    by_line = {u[1]: u for u in u_c}
    assert by_line[me_pipe][3] == "config", r.stdout
    assert by_line[me_pt][3] == "exec", r.stdout
    user = os.environ.get("USER") or __import__("pwd").getpwuid(os.getuid()).pw_name
    assert all(u[2] == user for u in u_c), r.stdout

    # a session that leaves disappears from the list
    assert pipe.close() == 0
    opened.remove(pipe)
    end = time.monotonic() + 5
    while True:
        u_pt = users(pt.cmd("show users", "multi#"))
        if len(u_pt) == 1 or time.monotonic() > end:
            break
        time.sleep(0.1)
    assert [(u[0], u[1]) for u in u_pt] == [("*", me_pt)], u_pt


def test_concurrent_c_sessions_all_apply(sessions):
    """Several tollsh -c runs at the same time, each adding its own dial-peer."""
    core, _ = sessions
    procs = []
    for i in range(6):
        args = [str(TOLLSH), "-S", str(core.sock), "-c", "configure terminal",
                "-c", f"dial-peer voice {500 + i} voip", "-c", f"description parallel-{i}", "-c", "end"]
        procs.append(subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for p in procs:
        out, _ = p.communicate(timeout=20)
        assert p.returncode == 0, out
    run = core.sh("show running-config", check=True).stdout
    for i in range(6):
        assert f"dial-peer voice {500 + i} voip\n description parallel-{i}\n" in run, run
