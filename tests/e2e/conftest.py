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
import re
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


SANITIZER = re.compile(r"^.*(?:ERROR: (?:AddressSanitizer|LeakSanitizer)|runtime error:).*$", re.M)


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
        # a core built with sanitizers (make e2e-asan) reports into its log
        bad = [(c.log, m.group(0)) for c in self.cores for m in [SANITIZER.search(c.log_text())] if m]
        if bad:
            pytest.fail("sanitizer report in " + ", ".join(f"{p}: {line}" for p, line in bad) + "\n"
                        + bad[0][0].read_text(errors="replace")[-6000:])


@pytest.fixture
def tollgate(tmp_path):
    if not TOLLGATED.exists() or not TOLLSH.exists():
        pytest.fail(f"{TOLLGATED} / {TOLLSH} not built (run make)")
    f = Factory(tmp_path)
    yield f
    f.close()


# ---------------------------------------------------------------------------
# TLS tests (tests/e2e/test_tls_*.py): a private test PKI, background peers
# (gnutls-serv, openssl s_server, dnsmasq, kamailio) stopped by pid, and
# parsers for `show sip-ua connections tcp tls detail`.

import re as _re


@pytest.fixture(scope="session")
def tls_pki(tmp_path_factory):
    """The test PKI (tests/pki/gen-test-pki.sh) in a directory of this session, plus
    other-leaf-cert.pem / other-leaf-key.pem: a leaf "otherleaf.test.example" signed
    by ca-other (the unrelated root), sent with ca-other.pem as other-leaf-chain.pem."""
    d = tmp_path_factory.mktemp("tls-pki")
    subprocess.run(["sh", str(ROOT / "tests/pki/gen-test-pki.sh"), str(d)], check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    tmpl = d / "other-leaf.tmpl"
    tmpl.write_text('cn = "otherleaf.test.example"\norganization = "Other Test"\nserial = 0x3001\n'
                    'dns_name = "otherleaf.test.example"\nip_address = "127.0.0.1"\n'
                    "tls_www_server\ntls_www_client\nsigning_key\nencryption_key\n"
                    "expiration_days = 825\n")
    subprocess.run(["certtool", "--generate-privkey", "--key-type=rsa", "--bits=2048",
                    "--outfile", str(d / "other-leaf-key.pem")], check=True, capture_output=True,
                   timeout=60)
    subprocess.run(["certtool", "--generate-certificate", "--load-privkey", str(d / "other-leaf-key.pem"),
                    "--template", str(tmpl), "--load-ca-certificate", str(d / "ca-other.pem"),
                    "--load-ca-privkey", str(d / "ca-other-key.pem"),
                    "--outfile", str(d / "other-leaf-cert.pem")], check=True, capture_output=True,
                   timeout=60)
    pem = (d / "other-leaf-cert.pem").read_text()
    pem = pem[pem.index("-----BEGIN"):]
    (d / "other-leaf-cert.pem").write_text(pem)
    (d / "other-leaf-chain.pem").write_text(pem + (d / "ca-other.pem").read_text())
    return d


class BgProcs:
    """Background helper processes of one test, each in its own session, stopped by
    pid (SIGTERM, then SIGKILL) at teardown in reverse order of start."""

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.procs = []

    def start(self, name, argv, cwd=None, env=None):
        log = self.tmp / f"{name}.log"
        f = open(log, "ab")
        p = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL, stdout=f,
                             stderr=subprocess.STDOUT, cwd=str(cwd or self.tmp),
                             start_new_session=True, env=env)
        f.close()
        p.name = name
        p.logfile = log
        self.procs.append(p)
        return p

    def log(self, p):
        return p.logfile.read_text(errors="replace") if p.logfile.exists() else ""

    def stop(self, p, timeout=5):
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
            except ProcessLookupError:
                pass

    def close(self):
        for p in reversed(self.procs):
            self.stop(p)


@pytest.fixture
def bg(tmp_path):
    b = BgProcs(tmp_path)
    yield b
    b.close()


def wait_tcp_listen(port, host="127.0.0.1", timeout=5.0, proc=None):
    """Wait until a TCP connect to host:port succeeds (bounded)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            try:
                s.connect((host, port))
                return True
            except OSError:
                pass
        time.sleep(0.05)
    return False


def tls_client(argv, timeout=15):
    """Run gnutls-cli / openssl s_client (stdin closed: one handshake, then exit);
    returns (returncode, stdout+stderr)."""
    try:
        r = subprocess.run([str(a) for a in argv], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, errors="replace", timeout=timeout)
        return r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        return -1, out.decode(errors="replace") if isinstance(out, bytes) else str(out)


def tls_detail(core):
    """`show sip-ua connections tcp tls detail` as text."""
    return core.sh("terminal length 0", "show sip-ua connections tcp tls detail").stdout


def tls_failed_handshakes(core):
    """Rows of the "Last Failed TLS Handshakes" table: dicts with direction, local,
    remote, reason."""
    text = tls_detail(core)
    rows = []
    sect = False
    for line in text.splitlines():
        if "Last Failed TLS Handshakes" in line:
            sect = True
            continue
        if sect and line.startswith("----"):
            break
        if not sect:
            continue
        m = _re.match(r"^\s+\w{3} [ \d]\d \d\d:\d\d:\d\d\s+(\d+)\s+(inbound|outbound)\s+(\S+)\s+(\S+)\s+(.*)$",
                      line)
        if m:
            rows.append({"id": int(m.group(1)), "direction": m.group(2), "local": m.group(3),
                         "remote": m.group(4), "reason": m.group(5).strip()})
    return rows


def tls_counters(core):
    """{'client': N, 'server': N} TLS handshake failure counters."""
    text = core.sh("show sip-ua connections tcp tls brief").stdout
    out = {}
    for k in ("client", "server"):
        m = _re.search(rf"TLS {k} handshake failures\s*:\s*(\d+)", text)
        out[k] = int(m.group(1)) if m else None
    return out


def handshake_failures_logged(core, remote_port=None, local_port=None):
    """Reasons of the %SIP-2-TLS_HANDSHAKE_FAILED lines in the core's log (optionally
    only those with that remote / local port)."""
    out = []
    for m in _re.finditer(r"%SIP-2-TLS_HANDSHAKE_FAILED: Reason: (.*), Connection ID: (\d+), "
                          r"local address : ([\d.]+):(\d+) and remote address : ([\d.]+):(\d+)",
                          core.log_text()):
        if remote_port is not None and int(m.group(6)) != remote_port:
            continue
        if local_port is not None and int(m.group(4)) != local_port:
            continue
        out.append(m.group(1))
    return out
