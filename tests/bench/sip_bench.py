#!/usr/bin/env python3
"""sip_bench.py - `make bench`, part 1: the SIP/TLS call-rate comparison (issue 3,
"Benchmark").  Not a test: it prints numbers.

    sipp UAC --UDP--> kamailio A --TLS--> SUT --TLS--> kamailio B --UDP--> sipp UAS

The SUT is first Tollgate (TLS in, TLS out, B2BUA, dial-peer 9T to kamailio B, trusted
list 127.0.0.1), then a kamailio stateful TLS proxy in the same place.  For each SUT the
call rate is stepped up (built-in sipp uac/uas scenarios, -d 500 ms calls, -m rate x
duration) until a step has failed calls.  For every step it records calls completed and
failed, and the CPU time (utime + stime from /proc/PID/stat, summed over the SUT's
processes and threads) spent during the step, as CPU seconds per 1,000 calls.

    python3 tests/bench/sip_bench.py --build build --out build/bench/sip \
        [--rates "100 200 400 600 800"] [--duration 10]

Everything listens on 127.0.0.1 on high ports checked free at start; every sipp run is
bounded by -m, -timeout and a subprocess timeout; every process started here is stopped
by its PID.  Writes results.json and the logs into --out.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LOCAL = "127.0.0.1"
SIPP = shutil.which("sipp") or "/usr/bin/sipp"
KAMAILIO = shutil.which("kamailio") or "/usr/sbin/kamailio"
CLK = os.sysconf("SC_CLK_TCK")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# ports and processes

def port_free(p):
    """p is free for UDP and TCP on every address (sipp binds its control port on 0.0.0.0)."""
    for typ in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, typ) as s:
            if typ == socket.SOCK_STREAM:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("0.0.0.0", p))
            except OSError:
                return False
    return True


_taken = set()


def free_port(span=1, lo=61000, hi=64990):
    """A port P with P..P+span-1 free for UDP and TCP, not handed out before by this script.
    61000-64990: above the ephemeral range (32768-60999) and the e2e tests' 20000-60000, so a
    concurrent test's stray datagram does not land on sipp's control port (-cp)."""
    for _ in range(5000):
        p = random.randrange(lo, hi - span)
        rng = range(p, p + span)
        if not any(q in _taken for q in rng) and all(port_free(q) for q in rng):
            _taken.update(rng)
            return p
    raise RuntimeError("no free port found")


class Proc:
    """A process started by this script, stopped by its PID."""
    live = []

    def __init__(self, name, argv, logfile, cwd=None, env=None):
        self.name = name
        self.argv = argv
        self.logfile = Path(logfile)
        out = open(self.logfile, "ab")
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  cwd=cwd, env=env, start_new_session=True)
        out.close()
        self.pid = self.p.pid
        Proc.live.append(self)

    def alive(self):
        return self.p.poll() is None

    def children(self):
        """PIDs whose parent is this process (kamailio's workers)."""
        kids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                st = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            fields = st[st.rindex(")") + 2:].split()
            if int(fields[1]) == self.pid:
                kids.append(int(d))
        return kids

    def stop(self, sig=signal.SIGTERM, wait=8):
        kids = self.children() if self.alive() else []
        if self.alive():
            try:
                os.kill(self.pid, sig)
                self.p.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.p.wait(timeout=5)
            except ProcessLookupError:
                pass
        end = time.monotonic() + 5
        while kids and time.monotonic() < end:  # kamailio's workers end after their parent
            kids = [k for k in kids if Path(f"/proc/{k}").exists() and not zombie(k)]
            time.sleep(0.1)
        for k in kids:  # a worker that outlived its parent by 5 s
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self in Proc.live:
            Proc.live.remove(self)

    def tail(self, n=30):
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    @classmethod
    def stop_all(cls):
        for p in list(reversed(cls.live)):
            p.stop()


def zombie(pid):
    try:
        st = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return st[st.rindex(")") + 2] in "ZX"


def box_ticks():
    """(total, idle+iowait) jiffies of the whole machine, from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(f[:8]), f[3] + f[4]


def cpu_ticks(pids):
    """utime + stime (clock ticks) summed over pids (all threads of each)."""
    t = 0
    for pid in pids:
        try:
            st = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        f = st[st.rindex(")") + 2:].split()
        t += int(f[11]) + int(f[12])  # fields 14 and 15 of proc(5)
    return t


def wait_port(port, proto, timeout=10.0, proc=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and not proc.alive():
            return False
        if proto == "tcp":  # listening, seen in /proc/net/tcp (a probe connect would be a failed handshake)
            want = f":{port:04X} "
            for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
                f = line.split()
                if f[1].endswith(want.strip()) and f[1].startswith("0100007F") and f[3] == "0A":
                    return True
        else:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                try:
                    s.bind((LOCAL, port))
                except OSError:
                    return True
        time.sleep(0.1)
    return False


# ---------------------------------------------------------------------------
# the chain

class Bench:
    def __init__(self, args):
        self.a = args
        self.out = Path(args.out).resolve()
        self.build = Path(args.build).resolve()
        self.pki = Path(args.pki).resolve()
        self.new_ports()

    def new_ports(self):
        """A fresh block for each phase: no wait for sockets of the previous one."""
        names = ("uac", "uas", "kamA_udp", "kamA_tls", "tg_udp", "tg_tls", "kamP_tls", "kamB_tls", "kamB_udp",
                 "uac_cp", "uas_cp")
        self.ports = {n: free_port() for n in names}
        for n in ("uac_mp", "uas_mp"):  # sipp takes -mp P and P+2 (more with RTP)
            self.ports[n] = free_port(span=6)

    # -- kamailio
    def tls_cfg(self, name, client_verify=True):
        f = self.out / f"{self.cur}-kam-{name}" / "tls.cfg"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(f"""# {name}: TLS 1.2, no client certificate requested (as Tollgate's default)
[server:default]
method = TLSv1.2
verify_certificate = no
require_certificate = no
private_key = {self.pki}/peer-key.pem
certificate = {self.pki}/peer-chain.pem
ca_list = {self.pki}/ca-bundle.pem

[client:default]
method = TLSv1.2
verify_certificate = {"yes" if client_verify else "no"}
require_certificate = {"yes" if client_verify else "no"}
ca_list = {self.pki}/ca-bundle.pem
""")
        return f

    def kamailio(self, name, listen, nxt):
        tmpl = (HERE / "kamailio.cfg.in").read_text()
        d = self.out / f"{self.cur}-kam-{name}"  # per phase: logs of one SUT's run together
        d.mkdir(parents=True, exist_ok=True)
        cfg = d / "kamailio.cfg"
        cfg.write_text(tmpl.replace("@DEBUG@", os.environ.get("KAMDEBUG", "1")).replace("@NAME@", name)
                       .replace("@LISTEN@", "\n".join(f"listen={x}" for x in listen))
                       .replace("@TLSCFG@", str(self.tls_cfg(name))).replace("@NEXT@", nxt))
        chk = subprocess.run([KAMAILIO, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
        if chk.returncode != 0:
            raise RuntimeError(f"kamailio {name}: config check failed:\n{chk.stdout}{chk.stderr}")
        p = Proc(f"kamailio-{name}", [KAMAILIO, "-f", str(cfg), "-DD", "-E", "-Y", str(d), "-w", str(d),
                                      "-m", "256", "-M", "16"], d / "kamailio.log")
        return p

    # -- tollgate
    def tollgate(self):
        d = self.out / "tollgate"
        d.mkdir(parents=True, exist_ok=True)
        pt = self.ports
        cfg = d / "startup-config"
        cfg.write_text(f"""hostname bench
!
crypto pki trustpoint BENCH
 certificate file {self.pki}/sbc-chain.pem
 private-key file {self.pki}/sbc-key.pem
 ca-certificate file {self.pki}/ca-bundle.pem
!
voice service voip
 ip address trusted list
  ipv4 127.0.0.1
 allow-connections sip to sip
 sip
  bind control source-address 127.0.0.1
  listen-port non-secure {pt['tg_udp']} secure {pt['tg_tls']}
!
sip-ua
 transport tcp tls v1.2
 crypto signaling default trustpoint BENCH
!
dial-peer voice 200 voip
 description kamailio B (TLS in, UDP out to the sipp UAS)
 destination-pattern 9T
 session protocol sipv2
 session target ipv4:127.0.0.1:{pt['kamB_tls']}
 session transport tcp tls
!
end
""")
        sock = d / "tollsh.sock"
        if sock.exists():
            sock.unlink()
        wrap = os.environ.get("TOLLGATE_WRAP", "").split()  # e.g. "gdb -q -batch -ex run -ex bt --args"
        p = Proc("tollgated", wrap + [str(self.build / "tollgated"), "-f", str(cfg), "-S", str(sock), "--foreground"],
                 d / "tollgated.log", cwd=str(ROOT), env={**os.environ, "TZ": "UTC"})
        self.tollsh_sock = sock
        return p

    def tollsh(self, cmd):
        r = subprocess.run([str(self.build / "tollsh"), "-S", str(self.tollsh_sock), "-c", cmd],
                           stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=30)
        return r.stdout + r.stderr

    # -- sipp
    def sipp_uas(self, tag):
        pt = self.ports
        d = self.out / f"{tag}-uas"
        d.mkdir(parents=True, exist_ok=True)
        # no -m: it lives for the whole phase and is stopped by its PID
        return Proc("sipp-uas", [SIPP, "-sn", "uas", "-i", LOCAL, "-p", str(pt["uas"]), "-t", "u1",
                                 "-cp", str(pt["uas_cp"]), "-mp", str(pt["uas_mp"]), "-nostdin",
                                 "-trace_err", "-error_file", str(d / "errors.log")],
                    d / "screen.log", cwd=str(d))

    def sipp_uac(self, tag, rate, calls, duration):
        pt = self.ports
        d = self.out / f"{tag}-uac-{rate}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        stat = d / "stat.csv"
        argv = [SIPP, "-sn", "uac", "-i", LOCAL, "-p", str(pt["uac"]), "-t", "u1",
                "-cp", str(pt["uac_cp"]), "-mp", str(pt["uac_mp"]), "-nostdin",
                "-s", "9123", "-d", "500", "-r", str(rate), "-m", str(calls),
                "-l", str(max(50, rate * 4)),
                "-timeout", f"{int(duration + 20)}s", "-recv_timeout", "8000",
                "-max_invite_retrans", "4", "-max_non_invite_retrans", "4",
                "-trace_stat", "-stf", str(stat), "-fd", "1",
                "-trace_err", "-error_file", str(d / "errors.log"),
                f"{LOCAL}:{pt['kamA_udp']}"]
        p = Proc("sipp-uac", argv, d / "screen.log", cwd=str(d))
        return p, stat, d

    @staticmethod
    def read_stats(stat):
        try:
            rows = [r for r in Path(stat).read_text(errors="replace").splitlines() if r.strip()]
        except OSError:
            return {}
        if len(rows) < 2:
            return {}
        head = rows[0].split(";")
        return dict(zip(head, rows[-1].split(";")))

    def step(self, tag, s, rate, calls):
        """One bounded sipp run at `rate`; the SUT's CPU over it."""
        pids = [s.pid] + s.children()
        c0, t0, b0 = cpu_ticks(pids), time.monotonic(), box_ticks()
        p, stat, d = self.sipp_uac(tag, rate, calls, self.a.duration)
        bound = self.a.duration * 3 + 40
        try:
            rc = p.p.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            p.stop(signal.SIGKILL)
            rc = "killed"
        time.sleep(0.5)  # the last BYE's 200 and the SUT's own follow-up
        c1, t1, b1 = cpu_ticks(pids), time.monotonic(), box_ticks()
        st = self.read_stats(stat)
        ok = int(st.get("SuccessfulCall(C)", 0) or 0)
        failed = int(st.get("FailedCall(C)", 0) or 0)
        retrans = int(st.get("Retransmissions(C)", 0) or 0)
        lost = calls - ok - failed  # calls never started or not counted
        cpu = (c1 - c0) / CLK
        step = dict(rate=rate, calls=calls, ok=ok, failed=failed + max(0, lost), sipp_failed=failed,
                    not_completed=max(0, lost), retrans=retrans,
                    cpu_s=round(cpu, 2), wall_s=round(t1 - t0, 1),
                    cpu_per_1000=round(cpu * 1000 / ok, 3) if ok else None,
                    box_busy_pct=round(100 * (1 - (b1[1] - b0[1]) / max(1, b1[0] - b0[0])), 0),
                    sut_alive=s.alive(), sipp_rc=rc)
        return step, st, p, d

    # -- one phase: a SUT, its rates
    def phase(self, sut):
        self.new_ports()
        pt = self.ports
        tag = "tollgate" if sut == "tollgate" else "kamailio"
        self.cur = tag
        log(f"sip_bench: --- SUT {tag} ---")
        res = dict(sut=tag, steps=[], error=None, ports=dict(pt))
        procs = []
        try:
            kb = self.kamailio("B", [f"tls:{LOCAL}:{pt['kamB_tls']}", f"udp:{LOCAL}:{pt['kamB_udp']}"],
                               f"sip:{LOCAL}:{pt['uas']};transport=udp")
            procs.append(kb)
            if sut == "tollgate":
                s = self.tollgate()
                sut_port = pt["tg_tls"]
            else:
                s = self.kamailio("P", [f"tls:{LOCAL}:{pt['kamP_tls']}"],
                                  f"sip:{LOCAL}:{pt['kamB_tls']};transport=tls")
                sut_port = pt["kamP_tls"]
            procs.append(s)
            ka = self.kamailio("A", [f"udp:{LOCAL}:{pt['kamA_udp']}", f"tls:{LOCAL}:{pt['kamA_tls']}"],
                               f"sip:{LOCAL}:{sut_port};transport=tls")
            procs.append(ka)
            for p, port, proto in ((kb, pt["kamB_tls"], "tcp"), (s, sut_port, "tcp"), (ka, pt["kamA_udp"], "udp")):
                if not wait_port(port, proto, 15, p):
                    raise RuntimeError(f"{p.name} did not listen on {port}/{proto}:\n{p.tail()}")
            uas = self.sipp_uas(tag)
            procs.append(uas)
            if not wait_port(pt["uas"], "udp", 10, uas):
                raise RuntimeError(f"sipp uas did not start:\n{uas.tail()}")
            # warm-up (not measured): opens and keeps the TLS connections of the chain
            p, stat, d = self.sipp_uac(tag, 10, 20, 2)
            try:
                p.p.wait(timeout=40)
            except subprocess.TimeoutExpired:
                p.stop(signal.SIGKILL)
            w = self.read_stats(stat)
            if not s.alive():
                res["dmesg"] = dmesg_tail(s.pid)
                raise RuntimeError(f"{s.name} died during the warm-up (10 cps, 20 calls): exit status "
                                   f"{s.p.returncode}{' (signal %d)' % -s.p.returncode if s.p.returncode < 0 else ''};"
                                   f" log tail:\n{s.tail(10)}")
            if int(w.get("SuccessfulCall(C)", 0) or 0) == 0:
                raise RuntimeError(f"warm-up: no call went through the chain ({w.get('FailedCall(C)')} failed):\n"
                                   f"uac: {p.tail(15)}\nSUT log:\n{s.tail(30)}")
            # idle cost (timers, relay thread, keep-alives): 5 s with the chain up and no call
            time.sleep(2.0)
            pids = [s.pid] + s.children()
            c0, t0 = cpu_ticks(pids), time.monotonic()
            time.sleep(5.0)
            res["idle_cpu_ms_per_s"] = round((cpu_ticks(pids) - c0) / CLK * 1000 / (time.monotonic() - t0), 1)
            log(f"sip_bench: {tag} idle: {res['idle_cpu_ms_per_s']} ms CPU per second")
            for rate in self.a.rates:
                calls = int(rate * self.a.duration)
                if not s.alive():
                    res["error"] = f"{s.name} is gone (exit status {s.p.returncode})"
                    break
                time.sleep(1.0)  # let the previous step's transactions end
                for attempt in (1, 2):
                    step, st, p, d = self.step(tag, s, rate, calls)
                    # sipp ending early with every call it made successful and none failed is not
                    # the SUT failing (another process signalled sipp, or sent to its -cp port): once more
                    if attempt == 1 and step["sipp_failed"] == 0 and step["not_completed"] and s.alive():
                        log(f"sip_bench: {tag} {rate} cps: sipp ended after {step['wall_s']} s with "
                            f"{step['ok']} calls, none failed: step repeated")
                        time.sleep(1.0)
                        continue
                    step["attempts"] = attempt
                    break
                res["steps"].append(step)
                log(f"sip_bench: {tag:8} {rate:5} cps: {step['ok']} ok, {step['failed']} failed, "
                    f"{step['retrans']} retrans, SUT cpu {step['cpu_s']:.2f} s over {step['wall_s']:.1f} s")
                if step["failed"] or not s.alive():
                    if not s.alive():
                        rcs = s.p.returncode
                        res["error"] = (f"{s.name} died during the {rate} cps step (exit status {rcs}"
                                        f"{', signal %d' % -rcs if rcs < 0 else ''})")
                    if not s.alive():
                        res["dmesg"] = dmesg_tail(s.pid)
                    res["evidence"] = dict(uac_errors=tail_file(d / "errors.log", 10), uac_screen=p.tail(25),
                                           sut_log=s.tail(30), stats=st)
                    break
            if sut == "tollgate" and s.alive():
                res["show"] = self.tollsh("show sip-ua statistics")[-3000:]
        except Exception as e:  # noqa: BLE001 - reported in the table
            res["error"] = str(e)
            log(f"sip_bench: {tag}: {e}")
        finally:
            for p in reversed(procs):
                p.stop()
        return res


def dmesg_tail(pid):
    """The kernel's line about a crashed pid (segfault / general protection), if readable."""
    try:
        r = subprocess.run(["dmesg"], capture_output=True, text=True, timeout=10)
        return "\n".join(ln for ln in r.stdout.splitlines() if f"[{pid}]" in ln)[-1000:]
    except (OSError, subprocess.TimeoutExpired):
        return ""


def tail_file(path, n):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "build" / "bench" / "sip"))
    ap.add_argument("--pki", default=str(ROOT / "build" / "bench" / "pki"))
    ap.add_argument("--rates", default="100 200 400 600 800")
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--sut", default="tollgate,kamailio")
    a = ap.parse_args()
    a.rates = [int(x) for x in a.rates.replace(",", " ").split()]
    out = Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run(["sh", str(ROOT / "tests/pki/gen-test-pki.sh"), a.pki], check=True, timeout=120)
    b = Bench(a)

    def on_signal(sig, frm):
        Proc.stop_all()
        sys.exit(1)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    results = dict(ports=b.ports, rates=a.rates, duration=a.duration, phases=[])
    try:
        for sut in a.sut.split(","):
            results["phases"].append(b.phase(sut))
    finally:
        Proc.stop_all()
    (out / "results.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
