#!/usr/bin/python3
"""media_bench.py - the media part of `make bench`: Tollgate's SRTP relay next to rtpengine.

For each case, the same load generator (build/bench/media_load, tests/bench/media_load.c)
drives first Tollgate's relay, then Debian's rtpengine (userspace forwarding), on 127.0.0.1:

  1. SRTP (AES_CM_128_HMAC_SHA1_80) -> RTP, 1000 calls, one G.711 stream each (50 pps)
  2. SRTP (AEAD_AES_128_GCM) -> RTP, 1000 calls
  3. 2000 bidirectional calls, AES_CM_128_HMAC_SHA1_80: SRTP -> RTP and RTP -> SRTP (4000 streams)

Tollgate: media_load -T runs media/relay.c in its own process with one relay thread (as
tollgated does) and configures every session as media/session.c does for an SRTP leg A and
an RTP leg B (same relay_xform hooks over media/srtp.c); CPU is the relay thread's clock.
For reference, the AES_CM cases also run Tollgate's relay with no SRTP at all (media_load -T -P):
the relay's own cost, without crypto.
This is method (b) of the benchmark brief: the SIP side of tollgated is not involved.

rtpengine: `rtpengine --config-file=none --table=-1 --interface=127.0.0.1
--listen-ng=127.0.0.1:PORT --foreground --log-stderr --num-threads=2 --port-min=1100
--port-max=9999 -L 4`; each call is set up through the ng protocol (bencode over UDP):
offer RTP/SAVP + SDES (one a=crypto line, our key) with transport-protocol=RTP/AVP, then an
answer RTP/AVP from the B side; rtpengine's answer carries its own key for RTP -> SRTP.  CPU
is utime+stime of the whole rtpengine process (/proc/PID/stat) over the same window.

Printed per case: streams, packets per second, sent, received, loss %, CPU microseconds per
relayed packet for each relay, the ratio, and PASS/FAIL against the targets of issue 4
(Tollgate at most one third of rtpengine's CPU per packet; zero loss at 2000 bidirectional
calls).  Loss counts every packet not delivered, intact, within 0.5 s of the last one
sent.  A probe first prints what one libsrtp2 operation costs against the number of SRTP
contexts alive in the process (media_load -k).  Writes BUILD/bench/media_report.txt and BUILD/bench/media_summary.json; logs under
BUILD/bench/media/.  rtpengine-daemon is installed with apt-get when missing (and the
service Debian may start is stopped).  Every process is started here and stopped by PID.

Usage: media_bench.py --build build [--calls 1000] [--bidir-calls 2000] [--secs 10]
                      [--cases cm,gcm,bidir] [--relays tollgate,rtpengine]
"""
import argparse
import base64
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time

# Media ports below the e2e tests' 20000-60000 and the SIP bench's 61000-64990: rtpengine here,
# Tollgate's relay 10000-19999 (media_load -T).
RTPE_PORT_MIN, RTPE_PORT_MAX = 1100, 9999


# ---- bencode and the ng protocol ----

def benc(x):
    if isinstance(x, bool):
        x = int(x)
    if isinstance(x, int):
        return b"i%de" % x
    if isinstance(x, str):
        x = x.encode()
    if isinstance(x, bytes):
        return b"%d:%s" % (len(x), x)
    if isinstance(x, (list, tuple)):
        return b"l" + b"".join(benc(i) for i in x) + b"e"
    if isinstance(x, dict):
        return b"d" + b"".join(benc(k) + benc(x[k]) for k in sorted(x)) + b"e"
    raise TypeError(type(x))


def bdec(b, i=0):
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        return int(b[i + 1:j]), j + 1
    if c in (b"l", b"d"):
        i += 1
        items = []
        while b[i:i + 1] != b"e":
            v, i = bdec(b, i)
            items.append(v)
        if c == b"l":
            return items, i + 1
        return {items[k].decode(): items[k + 1] for k in range(0, len(items), 2)}, i + 1
    j = b.index(b":", i)
    n = int(b[i:j])
    return b[j + 1:j + 1 + n], j + 1 + n


class Ng:
    def __init__(self, port):
        self.addr = ("127.0.0.1", port)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.s.settimeout(1.0)
        self.n = 0

    def req(self, d, tries=5):
        self.n += 1
        cookie = b"%d_%d" % (os.getpid(), self.n)
        msg = cookie + b" " + benc(d)
        for _ in range(tries):
            self.s.sendto(msg, self.addr)
            try:
                while True:
                    r = self.s.recv(65535)
                    ck, _, body = r.partition(b" ")
                    if ck == cookie:
                        return bdec(body)[0]
            except socket.timeout:
                continue
        raise RuntimeError("rtpengine ng: no answer to %s" % d.get("command"))

    def close(self):
        self.s.close()


# ---- helpers ----

def log(msg):
    print(msg, flush=True)


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def stop_pid(p, grace=5.0):
    """Stop a process we started, by its PID."""
    if p is None or p.poll() is not None:
        return
    try:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=5)
    except ProcessLookupError:
        pass


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def ensure_rtpengine():
    """rtpengine on PATH (apt-get install rtpengine-daemon if missing); None if unavailable."""
    exe = shutil.which("rtpengine")
    if exe:
        return exe
    log("media: installing rtpengine-daemon (apt-get, quiet)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "rtpengine-daemon"],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    except (OSError, subprocess.SubprocessError) as e:
        log("media: apt-get failed: %s" % e)
    stop_debian_service()
    return shutil.which("rtpengine")


def stop_debian_service():
    """The package may start its own daemon (ng on :2223, ports 30000-40000): stop it."""
    try:
        if os.path.isdir("/run/systemd/system") and shutil.which("systemctl"):
            r = subprocess.run(["systemctl", "is-active", "--quiet", "rtpengine-daemon"], timeout=20)
            if r.returncode == 0:
                subprocess.run(["systemctl", "stop", "rtpengine-daemon"], timeout=30,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                log("media: stopped the rtpengine-daemon service Debian started")
        elif os.path.exists("/run/rtpengine/rtpengine-daemon.pid") and os.path.exists("/etc/init.d/rtpengine-daemon"):
            subprocess.run(["/etc/init.d/rtpengine-daemon", "stop"], timeout=30,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            log("media: stopped the rtpengine-daemon service Debian started")
    except (OSError, subprocess.SubprocessError):
        pass


def parse_load(out):
    for line in out.splitlines():
        if line.startswith("MEDIA_LOAD "):
            return json.loads(line[len("MEDIA_LOAD "):])
    return None


def load_cmd(exe, case, secs):
    argv = [exe, "-n", str(case["calls"]), "-s", str(secs), "-r", "50", "-c", case["suite"]]
    if case["bidir"]:
        argv.append("-b")
    return argv


# ---- the two relays ----

IO_SAID = []     # the relay's I/O back-end, printed once


def run_tollgate(exe, case, secs, logdir, plain=False):
    argv = ["timeout", "240"] + load_cmd(exe, case, secs) + ["-T"] + (["-P"] if plain else [])
    log("  $ " + " ".join(argv[2:]))
    r = subprocess.run(argv, capture_output=True, text=True, timeout=260, preexec_fn=raise_nofile)
    with open(os.path.join(logdir, "tollgate%s-%s.log" % ("-plain" if plain else "", case["id"])), "w") as f:
        f.write(r.stdout + r.stderr)
    res = parse_load(r.stdout)
    if res is None:
        log("  tollgate: media_load failed (rc %d): %s" % (r.returncode, (r.stderr or r.stdout).strip()[-300:]))
    else:
        res["cmd"] = " ".join(argv[2:])
        if res.get("io") and not IO_SAID:
            log("  tollgate relay I/O: %s" % res["io"])
            IO_SAID.append(res["io"])
    return res


def sdp_offer(port, suite, key_b64):
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n"
            "a=crypto:1 %s inline:%s\r\na=sendrecv\r\n" % (port, suite, key_b64))


def sdp_answer(port):
    return ("v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n" % port)


KEYSALT = {"AES_CM_128_HMAC_SHA1_80": 30, "AES_CM_128_HMAC_SHA1_32": 30,
           "AEAD_AES_128_GCM": 28, "AEAD_AES_256_GCM": 44}


def run_rtpengine(rtpe, exe, case, secs, logdir):
    ngport = free_udp_port()
    argv = [rtpe, "--config-file=none", "--table=-1", "--interface=127.0.0.1",
            "--listen-ng=127.0.0.1:%d" % ngport, "--foreground", "--log-stderr", "--num-threads=2",
            "--port-min=%d" % RTPE_PORT_MIN, "--port-max=%d" % RTPE_PORT_MAX, "-L", "4"]
    log("  $ " + " ".join(argv))
    elog = open(os.path.join(logdir, "rtpengine-%s.log" % case["id"]), "w")
    rp = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=elog, stderr=subprocess.STDOUT,
                          preexec_fn=raise_nofile)
    gp = None
    ng = Ng(ngport)
    try:
        for _ in range(50):
            if rp.poll() is not None:
                raise RuntimeError("rtpengine exited (rc %s), see %s" % (rp.returncode, elog.name))
            try:
                if ng.req({"command": "ping"}, tries=1).get("result") == b"pong":
                    break
            except RuntimeError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("rtpengine does not answer ping")
        gargv = load_cmd(exe, case, secs) + ["-p", str(rp.pid)]
        log("  $ " + " ".join(gargv) + "   (sessions from ng offer/answer on stdin)")
        gp = subprocess.Popen(["timeout", "240"] + gargv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, preexec_fn=raise_nofile)
        first = gp.stdout.readline()
        m = re.match(r"media_load: ports (\d+) (\d+)", first)
        if not m:
            raise RuntimeError("media_load: %r %s" % (first, gp.stderr.read()[-300:]))
        pa, pb = int(m.group(1)), int(m.group(2))
        suite = case["suite"]
        lines = []
        t0 = time.time()
        for i in range(case["calls"]):
            key = base64.b64encode(os.urandom(KEYSALT[suite])).decode()
            cid, ft, tt = "mb-%s-%d" % (case["id"], i), "a%d" % i, "b%d" % i
            r = ng.req({"command": "offer", "call-id": cid, "from-tag": ft, "sdp": sdp_offer(pa, suite, key),
                        "transport-protocol": "RTP/AVP", "ICE": "remove"})
            if r.get("result") != b"ok":
                raise RuntimeError("ng offer %d: %s" % (i, r))
            rb = int(re.search(rb"m=audio (\d+)", r["sdp"]).group(1))
            r = ng.req({"command": "answer", "call-id": cid, "from-tag": ft, "to-tag": tt, "sdp": sdp_answer(pb)})
            if r.get("result") != b"ok":
                raise RuntimeError("ng answer %d: %s" % (i, r))
            ra = int(re.search(rb"m=audio (\d+)", r["sdp"]).group(1))
            cm = re.search(rb"a=crypto:([^\r\n]+)", r["sdp"])
            if not cm or suite.encode() not in cm.group(1):
                raise RuntimeError("ng answer %d: no %s crypto line" % (i, suite))
            lines.append("%d\t%d\t1 %s inline:%s\t%s\n" % (ra, rb, suite, key, cm.group(1).decode()))
        log("  rtpengine: %d calls set up through ng in %.1f s" % (case["calls"], time.time() - t0))
        out, err = gp.communicate("".join(lines), timeout=250)
        with open(os.path.join(logdir, "rtpengine-load-%s.log" % case["id"]), "w") as f:
            f.write(first + out + err)
        res = parse_load(out)
        if res is None:
            log("  rtpengine: media_load failed (rc %s): %s" % (gp.returncode, (err or out).strip()[-300:]))
        else:
            res["cmd"] = " ".join(gargv)
            res["rtpengine_cmd"] = " ".join(argv)
            res["relay"] = "rtpengine"
        if rp.poll() is not None:
            log("  rtpengine exited during the run (rc %s)" % rp.returncode)
        return res
    except (RuntimeError, OSError, subprocess.SubprocessError, ValueError, KeyError, AttributeError) as e:
        log("  rtpengine: %s" % e)
        return None
    finally:
        stop_pid(gp)
        ng.close()
        stop_pid(rp)
        elog.close()


# ---- report ----

def fmt(v, spec="{:.2f}"):
    return "-" if v is None else spec.format(v)


def starved(r, intended_pps):
    """The generator could not offer the intended rate (shared cores): not a valid load point."""
    return r["offered_pps"] < 0.95 * intended_pps or r["max_lag_ms"] > 1000


def report(cases, results, probes, out):
    lines = []
    for pr in probes:
        lines.append("libsrtp2 with %s: cost of one protect or unprotect while N other contexts "
                     "are alive in the process, %s: %s" % (
                         pr.get("crypto", "?"), pr["suite"], ", ".join("N=%d: %.1f us" % (n, us) for n, us in pr["points"])))
    if probes:
        lines.append("(Tollgate holds 2 contexts per SRTP leg, one per direction shared by RTP and SRTCP: "
                     "1000 calls = 2000, 2000 bidirectional calls = 4000; rtpengine has its own SRTP code over OpenSSL)")
        lines.append("")
    hdr = "%-44s %-9s %7s %7s %7s %9s %9s %8s %9s %6s" % (
        "case", "relay", "streams", "pps", "offered", "sent", "received", "loss %", "us/pkt", "CPU %")
    lines.append(hdr)
    lines.append("-" * len(hdr))
    verdicts = []
    for c in cases:
        rs = results.get(c["id"], {})
        for who in ("tollgate", "rtpengine", "plain"):
            r = rs.get(who)
            if r is None and who == "plain":
                continue
            if r is None:
                lines.append("%-44s %-9s %s" % (c["title"], who, "not measured"))
                continue
            pps = r["intended"] / r["secs"]
            lines.append("%-44s %-9s %7d %7.0f %7.0f %9d %9d %8.3f %9.2f %6.0f" % (
                c["title"] if who != "plain" else "  (reference: Tollgate relay, plain RTP, no SRTP)",
                who if who != "plain" else "tollgate", r["streams"], pps, r["offered_pps"], r["sent"], r["received"], r["loss_pct"],
                r["us_per_pkt"], r["cpu_pct"]))
            bad = r["corrupt"] + r["dup"] + r["auth_fail"] + r["replay"] + r["other_fail"]
            if bad:
                lines.append("%-54s note: %d bad packets (wrong direction %d, unknown SSRC %d, bad seq %d, "
                             "bad payload %d, dup %d, auth %d, replay %d)" % (
                                 "", bad, r["bad_dir"], r["bad_ssrc"], r["bad_seq"], r["bad_payload"], r["dup"],
                                 r["auth_fail"], r["replay"]))
            if starved(r, pps):
                lines.append("%-54s note: the generator fell behind (offered %.0f of %.0f pps, max lag %.0f ms, "
                             "generator CPU %.0f%%): the 2 cores were full, not a valid load point" % (
                                 "", r["offered_pps"], pps, r["max_lag_ms"], r["gen_cpu_pct"]))
        t, e = rs.get("tollgate"), rs.get("rtpengine")
        ratio = t["us_per_pkt"] / e["us_per_pkt"] if t and e and e["us_per_pkt"] > 0 else None
        ok_cpu = ratio is not None and ratio <= 1.0 / 3.0
        v = "%-44s ratio Tollgate/rtpengine CPU per packet: %s (target <= 0.33): %s" % (
            c["title"], fmt(ratio), "PASS" if ok_cpu else "FAIL")
        lines.append(v)
        verdicts.append(v)
        if c["bidir"]:
            ok_loss = t is not None and t["received"] == t["sent"] and t["sent"] > 0 and \
                t["corrupt"] + t["auth_fail"] + t["replay"] + t["other_fail"] == 0 and \
                not starved(t, t["intended"] / t["secs"])
            v = "%-44s Tollgate loss at %d bidirectional calls: %s (target 0): %s" % (
                c["title"], c["calls"], fmt(t["loss_pct"] if t else None, "{:.3f}%"),
                "PASS" if ok_loss else "FAIL")
            lines.append(v)
            verdicts.append(v)
        lines.append("")
    text = "\n".join(lines)
    print(text, flush=True)
    out.write(text + "\n")
    return verdicts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--bidir-calls", type=int, default=2000)
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--cases", default=os.environ.get("MEDIA_CASES", "cm,gcm,bidir"))
    ap.add_argument("--relays", default=os.environ.get("MEDIA_RELAYS", "tollgate,rtpengine,plain"))
    a = ap.parse_args()

    exe = os.path.join(a.build, "bench", "media_load")
    if not os.access(exe, os.X_OK):
        r = subprocess.run(["make", "-s", "B=" + a.build, exe], capture_output=True, text=True, timeout=300)
        if r.returncode:
            log("media: cannot build %s: %s" % (exe, r.stderr.strip()[-300:]))
            return 1
    logdir = os.path.join(a.build, "bench", "media")
    os.makedirs(logdir, exist_ok=True)

    all_cases = {
        "cm": {"id": "cm", "title": "SRTP->RTP AES_CM_128_HMAC_SHA1_80, %d calls" % a.calls,
               "suite": "AES_CM_128_HMAC_SHA1_80", "calls": a.calls, "bidir": False},
        "gcm": {"id": "gcm", "title": "SRTP->RTP AEAD_AES_128_GCM, %d calls" % a.calls,
                "suite": "AEAD_AES_128_GCM", "calls": a.calls, "bidir": False},
        "bidir": {"id": "bidir", "title": "SRTP<->RTP AES_CM_80, %d bidir calls" % a.bidir_calls,
                  "suite": "AES_CM_128_HMAC_SHA1_80", "calls": a.bidir_calls, "bidir": True},
    }
    cases = [all_cases[c] for c in a.cases.split(",") if c in all_cases]
    relays = a.relays.split(",")

    log("== media: SRTP relay, Tollgate (media/relay.c, 1 relay thread, in-process) vs rtpengine "
        "(userspace, 2 threads); G.711 172-byte RTP at 50 pps per stream, %d s per run, 127.0.0.1" % a.secs)
    rtpe = ensure_rtpengine() if "rtpengine" in relays else None
    if "rtpengine" in relays and not rtpe:
        log("media: rtpengine not available; its column stays empty")
    if rtpe:
        stop_debian_service()
        v = subprocess.run([rtpe, "--version"], capture_output=True, text=True, timeout=10)
        log("media: " + (v.stdout + v.stderr).strip().splitlines()[-1])

    probes = []
    if "tollgate" in relays:
        for suite in sorted({c["suite"] for c in cases}, reverse=True):
            r = subprocess.run(["timeout", "120", exe, "-k", "-c", suite], capture_output=True, text=True, timeout=150)
            m = re.search(r"^SRTP_PROBE (.*)$", r.stdout, re.M)
            if m:
                probes.append(json.loads(m.group(1)))
                log("media: libsrtp2 %s: us per protect/unprotect with N contexts alive: %s" % (
                    suite, ", ".join("N=%d %.1f" % (n, us) for n, us in probes[-1]["points"])))

    results = {}
    for c in cases:
        log("-- %s" % c["title"])
        results[c["id"]] = {}
        if "tollgate" in relays:
            r = run_tollgate(exe, c, a.secs, logdir)
            results[c["id"]]["tollgate"] = r
            if r:
                log("  tollgate:  sent %d received %d loss %.3f%%  %.2f us/packet (%.0f%% of a core), "
                    "offered %.0f pps, generator %.0f%%, max lag %.0f ms" % (
                        r["sent"], r["received"], r["loss_pct"], r["us_per_pkt"], r["cpu_pct"], r["offered_pps"],
                        r["gen_cpu_pct"], r["max_lag_ms"]))
        if "plain" in relays and c["suite"] == "AES_CM_128_HMAC_SHA1_80":
            r = run_tollgate(exe, c, a.secs, logdir, plain=True)
            results[c["id"]]["plain"] = r
            if r:
                log("  tollgate without SRTP (reference): loss %.3f%%  %.2f us/packet (%.0f%% of a core)" % (
                    r["loss_pct"], r["us_per_pkt"], r["cpu_pct"]))
        if rtpe:
            r = run_rtpengine(rtpe, exe, c, a.secs, logdir)
            results[c["id"]]["rtpengine"] = r
            if r:
                log("  rtpengine: sent %d received %d loss %.3f%%  %.2f us/packet (%.0f%% of a core), "
                    "offered %.0f pps, generator %.0f%%, max lag %.0f ms" % (
                        r["sent"], r["received"], r["loss_pct"], r["us_per_pkt"], r["cpu_pct"], r["offered_pps"],
                        r["gen_cpu_pct"], r["max_lag_ms"]))

    log("")
    log("== media summary (CPU microseconds per relayed packet; Tollgate: relay thread clock, "
        "rtpengine: whole process /proc/PID/stat)")
    with open(os.path.join(a.build, "bench", "media_report.txt"), "w") as out:
        out.write("media benchmark %s, load average %s\n" % (
            time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), " ".join(open("/proc/loadavg").read().split()[:3])))
        verdicts = report(cases, results, probes, out)
    with open(os.path.join(a.build, "bench", "media_summary.json"), "w") as f:
        json.dump({"cases": cases, "results": results, "srtp_probe": probes, "verdicts": verdicts}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
