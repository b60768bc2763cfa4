"""ptyhelp.py - an interactive tollsh (readline) on a pseudo-terminal, for the e2e tests.

expect() matches against what the terminal showed with escapes, carriage
returns and bells removed; send() types raw keys (b"\\x1a" is Ctrl-Z)."""
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time

from conftest import TOLLSH

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r|\x07")


class PtySession:
    """An interactive tollsh (readline) on a pseudo-terminal."""

    def __init__(self, sock, rows=60, cols=200):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen([str(TOLLSH), "-S", str(sock)], stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True, close_fds=True,
                                     env={**os.environ, "TERM": "dumb", "HOME": str(sock.parent)})
        os.close(slave)
        self.raw = b""

    def expect(self, regex, timeout=10):
        """Read until regex matches the cleaned-up text read so far; consume it."""
        pat = re.compile(regex, re.M)
        end = time.monotonic() + timeout
        while True:
            text = ANSI.sub(b"", self.raw).decode(errors="replace")
            m = pat.search(text)
            if m:
                # consume what matched (in cleaned form)
                self.raw = text[m.end():].encode()
                return text[: m.end()]
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"pty session: no /{regex}/ within {timeout}s; got:\n{text}")
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"pty session: tollsh went away; got:\n{text}")
                self.raw += chunk

    def cmd(self, line, prompt, timeout=10):
        """Type a line and return its output (up to the next prompt)."""
        os.write(self.master, line.encode() + b"\r")
        out = self.expect(re.escape(prompt) + r"\s*$", timeout)
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        os.close(self.master)

    def send(self, keys):
        """Type raw keys (bytes), no newline added."""
        os.write(self.master, keys)
