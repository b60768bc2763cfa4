"""sipphelp.py - sipp and raw-SIP helpers for the end-to-end SIP tests (issue 3).

    from sipphelp import Lab, free_port

    lab = Lab(tollgate, tmp_path)               # ports chosen per test, all on 127.0.0.1
    core = lab.start_core(dial_peers=[DialPeer(200, "9T", lab.uas_port)])
    uas = lab.sipp("uas", "uas", port=lab.uas_port, calls=1)          # built-in scenario
    uac = lab.sipp("uac", "uac_cancel.xml", port=lab.uac_port, calls=1,
                   remote=lab.sip_addr, service="9123")
    assert uac.run() == 0                        # starts, waits (bounded), returns sipp's exit status
    uas.wait()
    msgs = uas.messages()                        # parsed -trace_msg file: list of SipMsg
    stats = uac.stats()                          # last row of the -trace_stat CSV, as a dict

Every sipp run is bounded three ways: -m N, -timeout (global) with -recv_timeout,
and a subprocess timeout after which the process is killed by its pid.
"""
import os
import random
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest


SIPP = "/usr/bin/sipp"
SCENARIOS = Path(__file__).resolve().parent / "sipp"
LOCAL = "127.0.0.1"

# ---------------------------------------------------------------------------
# ports


def _udp_free(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def _tcp_free(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


_taken = set()


def free_port(span=1, host=LOCAL, lo=20000, hi=60000):
    """A port P such that P..P+span-1 are free for UDP and TCP on host (and on
    0.0.0.0 for UDP, where sipp binds its control socket).  Ports handed out by
    this process are not handed out again."""
    for _ in range(2000):
        p = random.randrange(lo, hi - span)
        if span > 1 and p % 2:
            p += 1
        rng = range(p, p + span)
        if any(q in _taken for q in rng):
            continue
        if all(_udp_free(host, q) and _tcp_free(host, q) for q in rng):
            _taken.update(rng)
            return p
    raise RuntimeError("no free port found")


def wait_bound(port, proto="udp", host=LOCAL, timeout=5.0):
    """Wait until something is bound to host:port (the port stops being free)."""
    end = time.monotonic() + timeout
    check = _udp_free if proto == "udp" else _tcp_free
    while time.monotonic() < end:
        if not check(host, port):
            return True
        time.sleep(0.02)
    return False


# ---------------------------------------------------------------------------
# SIP messages (from sipp's -trace_msg file or raw sockets)


@dataclass
class SipMsg:
    direction: str            # "sent" | "received" (from the point of view of the sipp instance)
    transport: str            # "UDP" | "TCP"
    text: str

    @property
    def first_line(self):
        return self.text.split("\n", 1)[0].strip()

    @property
    def is_request(self):
        return not self.first_line.startswith("SIP/2.0")

    @property
    def method(self):
        if self.is_request:
            return self.first_line.split()[0]
        return self.cseq_method

    @property
    def status(self):
        if self.is_request:
            return None
        return int(self.first_line.split()[1])

    def head(self):
        return self.text.replace("\r\n", "\n").split("\n\n", 1)[0]

    def body(self):
        parts = self.text.replace("\r\n", "\n").split("\n\n", 1)
        return parts[1] if len(parts) > 1 else ""

    def headers(self, name):
        """All values of header `name` (compact forms understood for the usual ones)."""
        compact = {"via": "v", "from": "f", "to": "t", "call-id": "i", "contact": "m",
                   "content-length": "l", "content-type": "c", "cseq": None}
        want = {name.lower()}
        c = compact.get(name.lower())
        if c:
            want.add(c)
        out = []
        for line in self.head().split("\n")[1:]:
            if ":" not in line:
                continue
            n, v = line.split(":", 1)
            if n.strip().lower() in want:
                out.append(v.strip())
        return out

    def header(self, name):
        v = self.headers(name)
        return v[0] if v else None

    @property
    def call_id(self):
        return self.header("Call-ID")

    @property
    def cseq_method(self):
        c = self.header("CSeq")
        return c.split()[1] if c and len(c.split()) > 1 else None

    @property
    def cseq_num(self):
        c = self.header("CSeq")
        return int(c.split()[0]) if c else None

    def __str__(self):
        return f"[{self.direction}] {self.text}"


_SEP = re.compile(r"^-{20,} \d{4}-\d\d-\d\d .*$", re.M)
_DIR = re.compile(r"^(UDP|TCP|TLS|SCTP) message (sent|received)", re.I)


def parse_message_log(path):
    p = Path(path)
    if not p.exists():
        return []
    out = []
    for chunk in _SEP.split(p.read_text(errors="replace")):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        lines = chunk.split("\n")
        m = _DIR.match(lines[0].strip())
        if not m:
            continue
        # the line after the banner is empty, then the message
        text = "\n".join(lines[1:]).lstrip("\n")
        out.append(SipMsg("sent" if m.group(2).lower() == "sent" else "received", m.group(1).upper(), text))
    return out


def parse_stat_csv(path):
    """The last row of sipp's -trace_stat file as {column: value}."""
    p = Path(path)
    if not p.exists():
        return {}
    rows = [r for r in p.read_text(errors="replace").splitlines() if r.strip()]
    if len(rows) < 2:
        return {}
    head = rows[0].split(";")
    last = rows[-1].split(";")
    return dict(zip(head, last))


# ---------------------------------------------------------------------------
# sipp


class Sipp:
    """One bounded sipp run; files in its own directory."""

    def __init__(self, workdir, name, scenario, *, port, ip=LOCAL, transport="u1", remote=None,
                 calls=1, rate=None, rate_period_ms=None, limit=None, service=None, keys=None,
                 timeout=20, recv_timeout=5000, extra=()):
        self.dir = Path(workdir) / f"sipp-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port = port
        self.ip = ip
        self.transport = transport
        self.timeout = timeout
        self.msg_file = self.dir / "messages.log"
        self.stat_file = self.dir / "stat.csv"
        self.err_file = self.dir / "errors.log"
        self.out_file = self.dir / "screen.log"
        self.proc = None
        args = [SIPP]
        if scenario in ("uac", "uas"):
            args += ["-sn", scenario]
        else:
            sf = Path(scenario)
            if not sf.is_absolute():
                sf = SCENARIOS / sf
            args += ["-sf", str(sf)]
        args += ["-i", ip, "-p", str(port), "-t", transport, "-m", str(calls),
                 "-cp", "CP", "-mp", "MP",
                 "-nostdin", "-timeout", f"{int(timeout)}s", "-recv_timeout", str(int(recv_timeout)),
                 "-max_invite_retrans", "3", "-max_non_invite_retrans", "3",
                 "-trace_msg", "-message_file", str(self.msg_file),
                 "-trace_stat", "-stf", str(self.stat_file), "-fd", "1",
                 "-trace_err", "-error_file", str(self.err_file)]
        if rate is not None:
            args += ["-r", str(rate)]
            if rate_period_ms:
                args += ["-rp", str(rate_period_ms)]
        if limit is not None:
            args += ["-l", str(limit)]
        if service is not None:
            args += ["-s", str(service)]
        for k, v in (keys or {}).items():
            args += ["-key", k, str(v)]
        args += list(extra)
        if remote:
            args.append(remote)
        self.args = args

    def _fresh_aux_ports(self):
        """New control (-cp) and media (-mp) ports: other processes on this host
        may have taken the ones picked before."""
        self.args[self.args.index("-cp") + 1] = str(free_port())
        self.args[self.args.index("-mp") + 1] = str(free_port(span=4))

    def start(self):
        self._fresh_aux_ports()
        out = open(self.out_file, "wb")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, cwd=str(self.dir),
                                     start_new_session=True)
        out.close()
        return self

    def wait_ready(self, timeout=5.0, attempts=3):
        """For a server instance: wait until its SIP port is bound.  When sipp
        exits at once (typically a control or media port taken in the meantime
        by another process), start it again with fresh auxiliary ports."""
        proto = "tcp" if self.transport.startswith("t") else "udp"
        for attempt in range(attempts):
            end = time.monotonic() + timeout
            while time.monotonic() < end and self.proc.poll() is None:
                if not (_udp_free if proto == "udp" else _tcp_free)(self.ip, self.port):
                    return self
                time.sleep(0.02)
            if self.proc.poll() is None:
                break                      # running but not bound: give up
            if attempt + 1 < attempts:
                self.start()
        self.kill()
        raise AssertionError(f"sipp {self.name} did not bind {self.ip}:{self.port}:\n{self.screen()}")

    def wait(self, timeout=None):
        """Wait for exit (bounded); kill on overrun.  Returns the exit status."""
        t = timeout if timeout is not None else self.timeout + 15
        try:
            return self.proc.wait(timeout=t)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"sipp {self.name} did not finish within {t}s:\n{self.screen()[-3000:]}")

    def run(self, timeout=None, attempts=3):
        """Start and wait; a sipp that dies at once on a fatal error (exit 254/255,
        e.g. a port taken by another process meanwhile) having sent nothing is
        started again with fresh auxiliary ports."""
        for _ in range(attempts):
            self.start()
            rc = self.wait(timeout)
            if rc not in (254, 255) or self.messages():
                return rc
        return rc

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only sipp itself
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)

    def stop(self):
        """Ask politely (SIGUSR1 = quit in sipp), then kill."""
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGUSR1)
                self.proc.wait(timeout=3)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                self.kill()

    @property
    def returncode(self):
        return self.proc.returncode if self.proc else None

    def messages(self, direction=None):
        msgs = parse_message_log(self.msg_file)
        return [m for m in msgs if direction is None or m.direction == direction]

    def received(self):
        return self.messages("received")

    def sent(self):
        return self.messages("sent")

    def stats(self):
        return parse_stat_csv(self.stat_file)

    def successful(self):
        s = self.stats()
        return int(s.get("SuccessfulCall(C)", 0) or 0)

    def failed(self):
        s = self.stats()
        return int(s.get("FailedCall(C)", 0) or 0)

    def screen(self):
        t = self.out_file.read_text(errors="replace") if self.out_file.exists() else ""
        if self.err_file.exists():
            t += "\n--- errors ---\n" + self.err_file.read_text(errors="replace")[-4000:]
        return t

    def report(self):
        """Text for assertion messages: exit status, errors, the trace's first lines."""
        lines = [f"sipp {self.name}: rc={self.returncode} args={' '.join(self.args)}"]
        if self.err_file.exists():
            lines.append("errors: " + self.err_file.read_text(errors="replace")[-2000:])
        for m in self.messages()[:30]:
            lines.append(f"  {m.direction:8} {m.first_line}")
        return "\n".join(lines)


class Ctx:
    """Assertion context, rendered when a check fails (so traces are final by then)."""

    def __init__(self, lab, *sipps):
        self.lab, self.sipps = lab, sipps

    def __str__(self):
        return "\n".join([s.report() for s in self.sipps] + [self.lab.core.log_text()[-3000:]])

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)


# ---------------------------------------------------------------------------
# raw SIP over UDP (for malformed input)


def udp_exchange(data, port, host=LOCAL, src_ip=LOCAL, wait=1.0, expect=1):
    """Send one datagram from a fresh socket; return the datagrams received
    within `wait` seconds (stops early after `expect` answers)."""
    if isinstance(data, str):
        data = data.encode()
    got = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((src_ip, 0))
        s.sendto(data, (host, port))
        end = time.monotonic() + wait
        while time.monotonic() < end and len(got) < expect:
            s.settimeout(max(0.01, end - time.monotonic()))
            try:
                d, _ = s.recvfrom(65535)
                got.append(d.decode(errors="replace"))
            except socket.timeout:
                break
    return got


def sip_request(method, port, *, lport, host=LOCAL, lhost=LOCAL, call_id=None, cseq=1,
                omit=(), body="", extra_headers=(), content_length=None, ruri=None, transport="UDP",
                to_tag=None, max_forwards=70):
    """Build a simple out-of-dialog request as text; `omit` drops headers by name."""
    call_id = call_id or f"raw-{random.getrandbits(48):x}@{lhost}"
    br = f"z9hG4bK-raw{random.getrandbits(40):x}"
    hdrs = [
        ("Via", f"SIP/2.0/{transport} {lhost}:{lport};branch={br};rport"),
        ("Max-Forwards", str(max_forwards)),
        ("From", f"<sip:probe@{lhost}:{lport}>;tag=t{random.getrandbits(32):x}"),
        ("To", f"<sip:9000@{host}:{port}>" + (f";tag={to_tag}" if to_tag else "")),
        ("Call-ID", call_id),
        ("CSeq", f"{cseq} {method}"),
        ("Contact", f"<sip:probe@{lhost}:{lport}>"),
        *extra_headers,
        ("Content-Length", str(len(body.encode()) if content_length is None else content_length)),
    ]
    omit_l = {o.lower() for o in omit}
    lines = [f"{method} {ruri or f'sip:9000@{host}:{port}'} SIP/2.0"]
    lines += [f"{n}: {v}" for n, v in hdrs if n.lower() not in omit_l]
    return "\r\n".join(lines) + "\r\n\r\n" + body


def options_ping(port, host=LOCAL, src_ip=LOCAL, wait=1.0):
    """Send an OPTIONS from a raw UDP socket; the status code answered, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((src_ip, 0))
        lport = s.getsockname()[1]
        s.sendto(sip_request("OPTIONS", port, host=host, lhost=src_ip, lport=lport).encode(), (host, port))
        s.settimeout(wait)
        try:
            d, _ = s.recvfrom(65535)
        except socket.timeout:
            return None
    first = d.decode(errors="replace").split("\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[0] == "SIP/2.0" else None


def status_of(datagram):
    first = datagram.split("\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[0] == "SIP/2.0" else None


# ---------------------------------------------------------------------------
# the core's configuration and a per-test lab


@dataclass
class DialPeer:
    tag: int
    pattern: str
    port: int                     # session target ipv4:127.0.0.1:PORT
    preference: int = None
    huntstop: bool = False
    transport: str = None         # None | "udp" | "tcp"
    host: str = LOCAL
    extra: list = field(default_factory=list)

    def text(self):
        lines = [f"dial-peer voice {self.tag} voip",
                 f" destination-pattern {self.pattern}",
                 " session protocol sipv2",
                 f" session target ipv4:{self.host}:{self.port}"]
        if self.transport:
            lines.append(f" session transport {self.transport}")
        if self.preference is not None:
            lines.append(f" preference {self.preference}")
        if self.huntstop:
            lines.append(" huntstop")
        lines += [f" {e}" for e in self.extra]
        return "\n".join(lines) + "\n!\n"


def core_config(sip_port, tls_port, dial_peers=(), trusted=(LOCAL,), sip_extra=(), extra=""):
    t = ["hostname sipe2e", "!", "voice service voip"]
    if trusted:
        t.append(" ip address trusted list")
        t += [f"  ipv4 {a}" for a in trusted]
    t += [" sip",
          "  bind control source-address 127.0.0.1",
          f"  listen-port non-secure {sip_port} secure {tls_port}"]
    t += [f"  {x}" for x in sip_extra]
    t.append("!")
    text = "\n".join(t) + "\n"
    for dp in dial_peers:
        text += dp.text()
    return text + extra + "end\n"


class Lab:
    """Ports and processes for one test: a core, sipp instances, all on loopback."""

    def __init__(self, tollgate, tmp_path):
        self.tollgate = tollgate
        self.tmp = Path(tmp_path)
        self.sip_port = free_port()
        self.tls_port = free_port()
        self.uac_port = free_port()
        self.uas_port = free_port()
        self.uas2_port = free_port()
        self.core = None
        self.procs = []

    @property
    def sip_addr(self):
        return f"{LOCAL}:{self.sip_port}"

    def start_core(self, dial_peers=(), trusted=(LOCAL,), sip_extra=(), extra="", ready_timeout=5.0):
        cfg = core_config(self.sip_port, self.tls_port, dial_peers, trusted, sip_extra, extra)
        self.config_text = cfg
        self.core = self.tollgate.start(config_text=cfg)
        # the core answers OPTIONS outside a dialog once its UDP listener is up
        end = time.monotonic() + ready_timeout
        while time.monotonic() < end:
            if options_ping(self.sip_port, wait=0.3) is not None:
                return self.core
            time.sleep(0.05)
        raise AssertionError(f"core did not answer OPTIONS on {self.sip_addr}:\n{self.core.log_text()}")

    def sipp(self, name, scenario, **kw):
        s = Sipp(self.tmp, name, scenario, **kw)
        self.procs.append(s)
        return s

    def uas(self, name="uas", scenario="uas", port=None, calls=1, **kw):
        """Start a server-side sipp and wait until it listens."""
        s = self.sipp(name, scenario, port=port or self.uas_port, calls=calls, **kw)
        return s.start().wait_ready()

    def uac(self, name="uac", scenario="uac", service="9123", calls=1, **kw):
        kw.setdefault("port", self.uac_port)
        return self.sipp(name, scenario, remote=self.sip_addr, service=service, calls=calls, **kw)

    def core_alive(self):
        return self.core is not None and self.core.proc.poll() is None

    def close(self):
        for s in self.procs:
            s.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------
# reading the core's show output

def show_if_exists(core, command):
    """`command`'s output, or None when the core does not know the command yet."""
    r = core.sh(command)
    if "Invalid input" in r.stdout or "Invalid input" in r.stderr or "Incomplete" in r.stdout:
        return None
    return r.stdout


def by_first_line(msgs, start):
    return [m for m in msgs if m.first_line.startswith(start)]


def final_statuses(msgs):
    """Final (>= 200) statuses of INVITE responses among msgs."""
    return [m.status for m in msgs
            if not m.is_request and m.cseq_method == "INVITE" and m.status >= 200]


def parse_sip_stats(text):
    """`show sip-ua statistics` as a dict:
    ("class", "Success (2xx)") -> (in, out); ("code", 200) -> (in, out);
    ("method", "Invite") -> (in, out); ("drop", "untrusted source (toll fraud)") -> n;
    ("calls", "total") -> n."""
    out = {}
    section = None
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if "Response Statistics" in s:
            section = "resp"
        elif "Total Traffic" in s:
            section = "traffic"
        elif s.startswith("Dropped Messages"):
            section = "drop"
        elif s == "Calls":
            section = "calls"
        elif s.startswith("By response code"):
            section = "code"
        elif section == "resp":
            m = re.match(r"(.+?)\s*:\s*(\d+)/(\d+)$", s)
            if m:
                out[("class", m.group(1))] = (int(m.group(2)), int(m.group(3)))
        elif section == "code":
            m = re.match(r"(\d{3})\s.*?(\d+)/(\d+)$", s)
            if m:
                out[("code", int(m.group(1)))] = (int(m.group(2)), int(m.group(3)))
        elif section == "traffic":
            for name, i, o in re.findall(r"([A-Za-z]+) (\d+)/(\d+)", s):
                out[("method", name)] = (int(i), int(o))
        elif section in ("drop", "calls"):
            m = re.match(r"(.+?)\s*:\s*(\d+)$", s)
            if m:
                out[(section, m.group(1))] = int(m.group(2))
    return out


def sip_stats(core):
    """Parsed `show sip-ua statistics`, or None when the command does not exist."""
    t = show_if_exists(core, "show sip-ua statistics")
    return None if t is None else parse_sip_stats(t)


def call_legs(core):
    """(total, uac, uas) from `show sip-ua calls`, or None when the command does not exist."""
    t = show_if_exists(core, "show sip-ua calls")
    if t is None:
        return None
    m = re.search(r"Total SIP call legs:\s*(\d+), User Agent Client:\s*(\d+), User Agent Server:\s*(\d+)", t)
    assert m, t
    return tuple(int(x) for x in m.groups())


def read_sip_stream(sock, count, timeout=2.0):
    """Read up to `count` SIP messages from a stream socket (Content-Length framing)."""
    buf = b""
    out = []
    end = time.monotonic() + timeout
    while len(out) < count and time.monotonic() < end:
        while b"\r\n\r\n" in buf and len(out) < count:
            head, rest = buf.split(b"\r\n\r\n", 1)
            if not head.strip():          # CRLF keep-alive pong
                buf = rest
                continue
            m = re.search(rb"^(?:Content-Length|l)\s*:\s*(\d+)", head, re.M | re.I)
            n = int(m.group(1)) if m else 0
            if len(rest) < n:
                break
            out.append((head + b"\r\n\r\n" + rest[:n]).decode(errors="replace"))
            buf = rest[n:]
        if len(out) >= count:
            break
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            d = sock.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    return out


@pytest.fixture
def lab(tollgate, tmp_path):
    """A Lab for this test; every sipp it started is killed (by pid) at the end.
    (Test files that need a differently configured lab define their own.)"""
    lb = Lab(tollgate, tmp_path)
    yield lb
    lb.close()
