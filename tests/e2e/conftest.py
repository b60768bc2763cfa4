"""conftest.py - shared fixtures for the end-to-end tests: start the real tollgated
on loopback with a socket in a temporary directory, and drive it through tollsh.

    def test_x(tollgate):
        core = tollgate.start(config_text="hostname lab\\n")   # or config_file=PATH
        out = core.sh("show running-config")                     # -c, returns CompletedProcess
        core.kill9(); core.restart()

TOLLGATE_BUILD may point at another build directory.  The working directory of
the core is the repository root, so the example configs' relative PKI paths
(build/lab/pki/...) resolve.
"""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("TOLLGATE_BUILD", ROOT / "build")).resolve()
TOLLGATED = BUILD / "tollgated"
TOLLSH = BUILD / "tollsh"
LAB_PKI = ROOT / "build" / "lab" / "pki"
NETNS_OK = subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def ensure_lab_pki():
    subprocess.run(["sh", str(ROOT / "tests/pki/gen-test-pki.sh"), str(LAB_PKI)], check=True,
                   stdout=subprocess.DEVNULL, timeout=60)
    return LAB_PKI


def _can_connect(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(path))
            return True
        except OSError:
            return False


class Core:
    """One tollgated process (restartable) and its files."""

    def __init__(self, tmp, config_path, extra_args=(), netns=False):
        self.netns = netns and NETNS_OK
        self.tmp = Path(tmp)
        self.config = Path(config_path)
        self.sock = self.tmp / "tollsh.sock"
        self.log = self.tmp / "tollgated.log"
        self.extra = list(extra_args)
        self.proc = None

    def start(self, timeout=10):
        logf = open(self.log, "ab")
        argv = [str(TOLLGATED), "-f", str(self.config), "-S", str(self.sock), "--foreground", *self.extra]
        if self.netns:
            # a network namespace of its own: its SIP listeners touch no host port
            argv = ["unshare", "-n", "sh", "-c", 'ip link set lo up; exec "$@"', "sh", *argv]
        self.proc = subprocess.Popen(
            argv,
            cwd=str(ROOT), stdout=logf, stderr=logf, env={**os.environ, "TZ": "UTC"})
        logf.close()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"tollgated exited with {self.proc.returncode}:\n{self.log_text()}")
            if self.sock.exists() and _can_connect(self.sock):
                return self
            time.sleep(0.05)
        raise AssertionError(f"tollgated did not open {self.sock}:\n{self.log_text()}")

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def sh(self, *commands, stdin=None, check=False, timeout=30):
        """Run tollsh -c for each command (or feed stdin); returns CompletedProcess (text)."""
        args = [str(TOLLSH), "-S", str(self.sock)]
        for c in commands:
            args += ["-c", c]
        r = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"tollsh {commands} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        return r

    def run_config(self, lines, check=True):
        """Type lines in configuration mode (through stdin, as a paste)."""
        text = "configure terminal\n" + "\n".join(lines) + "\nend\n"
        return self.sh(stdin=text, check=check)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # sh execs tollgated: the same process
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def restart(self):
        self.stop()
        return self.start()


class Factory:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.cores = []

    def start(self, config_text=None, config_file=None, name="startup-config", extra_args=(),
              netns=False):
        d = self.tmp_path / f"core{len(self.cores)}"
        d.mkdir()
        cfg = d / name
        if config_file is not None:
            cfg.write_bytes(Path(config_file).read_bytes())
        else:
            cfg.write_text(config_text if config_text is not None else "")
        core = Core(d, cfg, extra_args, netns=netns)
        self.cores.append(core)
        return core.start()

    def close(self):
        for c in self.cores:
            c.stop()


@pytest.fixture
def tollgate(tmp_path):
    if not TOLLGATED.exists() or not TOLLSH.exists():
        pytest.fail(f"{TOLLGATED} / {TOLLSH} not built (run make)")
    f = Factory(tmp_path)
    yield f
    f.close()
