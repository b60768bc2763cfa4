#!/usr/bin/env python3
"""bench.py - `make bench`: run the benchmarks of issue 3 and print them side by side with
their targets.  Not a test (not part of `make check`); its exit status is 0 when the runs
completed, whatever the numbers.

  1. SIP/TLS call rate, Tollgate vs a kamailio stateful TLS proxy  (tests/bench/sip_bench.py)
  2. dial-peer routing: 10,000 dial-peers, build time and lookups/s (build/bench/bench_route),
     and a 10,000 dial-peer startup-config loaded and committed by tollgated
  3. memory per idle TLS connection, 20,000 held                   (tests/bench/tls_mem.py)

    python3 tests/bench/bench.py --build build [--rates "100 200 400 600 800 1000 1200"]
        [--duration 10] [--conns 20000] [--only sip,route,load,tls]

BENCH_RATES, BENCH_DURATION, BENCH_CONNS and BENCH_ONLY in the environment do the same.
The report is also written to BUILD/bench/report.txt, the raw results and logs under
BUILD/bench/{sip,tls,load}/.
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
PY = sys.executable or "/usr/bin/python3"


def run_json(argv, timeout, name):
    """Run a part that prints one JSON object as its last stdout line."""
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return {"error": f"{name}: did not finish within {timeout} s"}, (e.stderr or "")
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"error": f"{name}: exit status {r.returncode}, no result:\n{r.stderr[-2000:]}"}, r.stderr
    res = json.loads(lines[-1])
    res["_wall_s"] = round(time.monotonic() - t0, 1)
    return res, r.stderr


def fmt(v, spec="{:.2f}", none="-"):
    return none if v is None else spec.format(v)


def pf(ok):
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------------------
# 1. SIP/TLS

def report_sip(res, a, out):
    w = out.append
    w("== 1. SIP/TLS call rate: Tollgate B2BUA vs kamailio stateful TLS proxy ==")
    w("   sipp uac -UDP-> kamailio A -TLS 1.2-> [SUT] -TLS 1.2-> kamailio B -UDP-> sipp uas")
    w(f"   built-in uac/uas scenarios, -d 500 ms calls, {a.duration:g} s per step (-m = rate x "
      f"{a.duration:g}); one reused TLS connection per hop; children=1, tcp_children=1")
    w("   CPU = utime+stime of the SUT (all its threads / processes) over the step, per 1,000 "
      "calls completed; box% = whole-machine CPU busy during the step (2 vCPUs)")
    if res.get("error"):
        w(f"   ERROR: {res['error']}")
        return {}
    ph = {p["sut"]: p for p in res.get("phases", [])}
    tg, km = ph.get("tollgate", {}), ph.get("kamailio", {})
    steps = {}
    for name, p in (("tg", tg), ("km", km)):
        for s in p.get("steps", []):
            steps.setdefault(s["rate"], {})[name] = s
    w("")
    cw = 42  # one SUT's columns: ok failed retrans cpu/1000 box% state
    w(f"   rate |{'Tollgate (B2BUA)':^{cw}}|{'kamailio TLS proxy':^{cw}}| CPU ratio")
    sub = f"{'ok':>7} {'failed':>7} {'retrans':>7} {'cpu/1000':>8} {'box%':>5}     "
    w(f"    cps |{sub}|{sub}| TG / kam")
    w(f"   -----+{'-' * cw}+{'-' * cw}+----------")
    ratios = []
    for rate in sorted(steps):
        row = f"   {rate:4d} |"
        for name in ("tg", "km"):
            s = steps[rate].get(name)
            if s:
                dead = "" if s.get("sut_alive", True) else " DIED"
                row += (f" {s['ok']:6d} {s['failed']:7d} {s['retrans']:7d} {fmt(s['cpu_per_1000'], '{:8.3f}'):>8}"
                        f" {s.get('box_busy_pct', 0):4.0f}%{dead:<5}|")
            else:
                row += f"{'(not run)':^{cw}}|"
        t, k = steps[rate].get("tg"), steps[rate].get("km")
        ratio = None
        if t and k and t["cpu_per_1000"] and k["cpu_per_1000"]:
            ratio = t["cpu_per_1000"] / k["cpu_per_1000"]
            if t["failed"] == 0 and k["failed"] == 0:
                ratios.append((rate, ratio))
        row += f" {fmt(ratio, '{:6.2f}'):>7}"
        w(row)

    def zmax(p):
        z = [s["rate"] for s in p.get("steps", []) if s["failed"] == 0 and s.get("sut_alive", True)]
        return max(z) if z else 0
    ztg, zkm = zmax(tg), zmax(km)
    last_tg = tg.get("steps", [])[-1]["rate"] if tg.get("steps") else None
    last_km = km.get("steps", [])[-1]["rate"] if km.get("steps") else None
    top = max(a.rates)

    def zdesc(z, last, p):
        if not p.get("steps"):
            return "none"
        if z == top and last == top:
            return f"{z} cps (no failure up to the highest step tried)"
        return f"{z} cps"
    w("")
    w(f"   idle SUT CPU with the chain up and no call (5 s): Tollgate {fmt(tg.get('idle_cpu_ms_per_s'), '{:.1f}')} ms/s, "
      f"kamailio proxy {fmt(km.get('idle_cpu_ms_per_s'), '{:.1f}')} ms/s (included in the per-call figures)")
    w(f"   highest zero-failure rate: Tollgate {zdesc(ztg, last_tg, tg)}, kamailio proxy {zdesc(zkm, last_km, km)}")
    maxr = max((r for _, r in ratios), default=None)
    w("")
    w("   targets (issue 3)                                      measured                 verdict")
    w(f"   Tollgate CPU per call <= kamailio proxy's (ratio<=1.0)  "
      f"{'max ' + format(maxr, '.2f') + ' over ' + str(len(ratios)) + ' rates' if maxr is not None else 'no common zero-failure rate':24} "
      f"{pf(maxr is not None and maxr <= 1.0)}")
    w(f"   Tollgate zero-failure rate >= kamailio proxy's          {str(ztg) + ' vs ' + str(zkm) + ' cps':24} "
      f"{pf(ztg >= zkm and ztg > 0)}")
    died = [st["rate"] for st in tg.get("steps", []) if not st.get("sut_alive", True)]
    if died or "died" in (tg.get("error") or ""):
        w(f"   Tollgate stays up under overload                        "
          f"{'died at ' + str(died[0]) + ' cps' if died else 'died':24} FAIL")
    for name, p in (("Tollgate", tg), ("kamailio proxy", km)):
        if p.get("error"):
            w(f"   !! {name}: {p['error']}")
        if p.get("dmesg"):
            w(f"   !! kernel: {p['dmesg']}")
        ev = p.get("evidence")
        if ev and name == "Tollgate":
            st = {k: v for k, v in ev.get("stats", {}).items() if k.startswith("Failed") and v not in ("0", "")}
            w(f"   first failing step, sipp uac counters: {st}")
            if ev.get("sut_log"):
                w("   tollgated log tail:")
                for ln in ev["sut_log"].splitlines()[-6:]:
                    w(f"     {ln}")
    w(f"   (logs, sipp stats and results.json: {res.get('_out', '')})")
    return dict(ratio_max=maxr, zero_tg=ztg, zero_km=zkm,
                cpu_ok=maxr is not None and maxr <= 1.0, rate_ok=ztg >= zkm and ztg > 0)


# ---------------------------------------------------------------------------
# 2. routing

def run_route(build, out):
    w = out.append
    w("== 2. dial-peer routing ==")
    exe = build / "bench" / "bench_route"
    try:
        r = subprocess.run(["timeout", "120", str(exe), "10000", "1"], capture_output=True, text=True, timeout=150)
        text = r.stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        w(f"   ERROR: bench_route: {e}")
        return {}
    got = {}
    for ln in text.splitlines():
        w(f"   {ln}")
        if ln.startswith("route: build"):
            got["build_ms"] = float(ln.split(":")[2].split()[0])
        elif ln.startswith("route: lookups:"):
            got["lookups"] = float(ln.split(":")[2].split("/")[0])
    if r.returncode or r.stderr.strip():
        w(f"   bench_route exit status {r.returncode}: {r.stderr.strip()[-500:]}")
    if "build_ms" in got:
        w(f"   target: route index over 10,000 dial-peers built in < 100 ms: {got['build_ms']:.1f} ms   "
          f"{pf(got['build_ms'] < 100)}")
    return got


def free_port():
    for _ in range(500):
        p = random.randrange(41000, 59000)
        ok = True
        for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            with socket.socket(socket.AF_INET, typ) as s:
                try:
                    s.bind(("0.0.0.0", p))
                except OSError:
                    ok = False
        if ok:
            return p
    raise RuntimeError("no free port")


def start_time(build, d, text):
    """Seconds from exec to tollgated's control socket accepting, and its log."""
    d.mkdir(parents=True, exist_ok=True)
    cfg = d / "startup-config"
    cfg.write_text(text)
    sock = d / "tollsh.sock"
    if sock.exists():
        sock.unlink()
    logf = open(d / "tollgated.log", "wb")
    t0 = time.monotonic()
    p = subprocess.Popen([str(build / "tollgated"), "-f", str(cfg), "-S", str(sock), "--foreground"], cwd=str(ROOT),
                         stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                         env={**os.environ, "TZ": "UTC"}, start_new_session=True)
    logf.close()
    t = None
    try:
        end = t0 + 60
        while time.monotonic() < end and p.poll() is None:
            if sock.exists():
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    try:
                        s.connect(str(sock))
                        t = time.monotonic() - t0
                        break
                    except OSError:
                        pass
            time.sleep(0.002)
        peers = None
        if t is not None:
            r = subprocess.run([str(build / "tollsh"), "-S", str(sock), "-c", "show dial-peer voice summary"],
                               capture_output=True, text=True, timeout=60)
            peers = sum(1 for ln in r.stdout.splitlines() if ln.split()[:1] and ln.split()[0].isdigit())
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
    return t, peers, (d / "tollgated.log").read_text(errors="replace")


def run_load(build, bdir, out, n=10000):
    w = out.append
    d = bdir / "load"
    if d.exists():
        shutil.rmtree(d)
    head = (f"hostname benchload\n!\nvoice service voip\n sip\n  bind control source-address 127.0.0.1\n"
            f"  listen-port non-secure {free_port()} secure {free_port()}\n!\n")
    peers = []
    for i in range(n):
        peers.append(f"dial-peer voice {i + 1} voip\n destination-pattern +1{2000000 + i * 37:07d}....\n"
                     f" session protocol sipv2\n session target ipv4:10.{(i >> 16) & 255}.{(i >> 8) & 255}."
                     f"{i & 255}:5060\n preference {i % 3}\n!\n")
    try:
        t_empty, _, _ = start_time(build, d / "empty", head + "end\n")
        t_full, shown, logtext = start_time(build, d / "full", head + "".join(peers) + "end\n")
    except (OSError, subprocess.TimeoutExpired, RuntimeError) as e:
        w(f"   ERROR: load: {e}")
        return {}
    loaded = [ln for ln in logtext.splitlines() if "CONFIG_LOADED" in ln]
    if t_full is None or t_empty is None:
        w(f"   ERROR: tollgated did not start with {n} dial-peers: {logtext[-800:]}")
        return {}
    ms = (t_full - t_empty) * 1000
    w(f"   startup-config with {n} dial-peers ({n * 5} lines) parsed, committed, ready: "
      f"{t_full * 1000:.0f} ms from exec ({t_empty * 1000:.0f} ms with no dial-peer: {ms:.0f} ms for the peers); "
      f"show dial-peer voice summary lists {shown}")
    if loaded:
        w(f"   {loaded[-1].strip()}")
    w(f"   target: 10,000 dial-peers loaded and committed in < 100 ms: {ms:.0f} ms (config text through the "
      f"grammar, commit, route index)   {pf(ms < 100)}")
    return dict(load_ms=round(ms, 1), start_full_ms=round(t_full * 1000, 1), shown=shown)


# ---------------------------------------------------------------------------
# 3. TLS memory

def report_tls(res, out):
    w = out.append
    w("== 3. memory per idle TLS connection (Tollgate's TLS listener) ==")
    if res.get("error") and "rss1_kb" not in res:
        w(f"   ERROR: {res['error']}")
        if res.get("log_tail"):
            w("   " + res["log_tail"].replace("\n", "\n   "))
        return {}
    w(f"   client: build/bench/tls_hold -c 48 -s {res.get('sources')} 127.0.0.1 PORT {res.get('n')}  "
      f"(RLIMIT_NOFILE of tollgated: {res.get('nofile_limit')})")
    w(f"   {res.get('client', '')}")
    if res.get("note"):
        w(f"   note: {res['note']}")
    held = res.get("held_server") or 0
    w(f"   held: {held} ESTABLISHED on the server side; handshakes {res.get('handshakes_per_s')}/s, "
      f"tollgated CPU {res.get('server_cpu_s')} s for them ({fmt(1000 * res['server_cpu_s'] / held if held else None)} ms each)")
    w(f"   tollgated VmRSS {res.get('rss0_kb')} kB -> {res.get('rss1_kb')} kB; after the client closed them all: "
      f"{res.get('rss_after_close_kb')} kB, alive: {res.get('alive_after_close')}")
    w(f"   `show sip-ua connections tcp tls brief` with {held} connections answered in {res.get('show_s')} s")
    w(f"   closing all at once: server side gone after {res.get('close_s')} s "
      f"({res.get('left_after_close')} left), tollgated CPU {res.get('close_cpu_s')} s")
    kb = res.get("kb_per_conn")
    short = "" if held >= 20000 else f" (at {held} held: 20,000 not reachable here, see note)"
    w(f"   target: < 20 kB per idle TLS connection with 20,000 held: {fmt(kb)} kB   "
      f"{pf(kb is not None and kb < 20 and held > 0)}{short}")
    if res.get("error"):
        w(f"   !! {res['error']}")
        w("   " + res.get("log_tail", "").replace("\n", "\n   "))
    return dict(kb_per_conn=kb, held=held)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--rates", default=os.environ.get("BENCH_RATES", "100 200 400 600 800 1000 1200"))
    ap.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", "10")))
    ap.add_argument("--conns", type=int, default=int(os.environ.get("BENCH_CONNS", "20000")))
    ap.add_argument("--only", default=os.environ.get("BENCH_ONLY", "sip,route,load,tls"))
    a = ap.parse_args()
    a.rates = [int(x) for x in a.rates.replace(",", " ").split()]
    only = set(a.only.split(","))
    build = Path(a.build).resolve()
    bdir = build / "bench"
    bdir.mkdir(parents=True, exist_ok=True)
    pki = bdir / "pki"
    out = []
    t0 = time.monotonic()
    load = os.getloadavg()
    out.append(f"Tollgate make bench, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {os.cpu_count()} CPUs, "
               f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    out.append("Noise: 2 shared vCPUs, load generators and peers on the same cores as the system under test; "
               "repeated runs differ by up to +-30 %. Compare only with a re-run on the same box.")
    out.append("")
    summary = {}

    def flush_part():
        print("\n".join(out), flush=True)
        report.extend(out)
        out.clear()
    report = []
    flush_part()
    if "sip" in only:
        print("   (running the SIP/TLS steps, about 3 minutes...)", flush=True)
        res, err = run_json([PY, str(HERE / "sip_bench.py"), "--build", str(build), "--out", str(bdir / "sip"),
                             "--pki", str(pki), "--rates", " ".join(map(str, a.rates)),
                             "--duration", str(a.duration)], timeout=600, name="sip_bench")
        (bdir / "sip-progress.log").write_text(err or "")
        res["_out"] = str(bdir / "sip")
        summary["sip"] = report_sip(res, a, out)
        out.append("")
        flush_part()
    if "route" in only or "load" in only:
        if "route" in only:
            summary["route"] = run_route(build, out)
        if "load" in only:
            summary["load"] = run_load(build, bdir, out)
        out.append("")
        flush_part()
    if "tls" in only:
        print(f"   (opening {a.conns} TLS connections, a few minutes...)", flush=True)
        res, err = run_json([PY, str(HERE / "tls_mem.py"), "--build", str(build), "--out", str(bdir / "tls"),
                             "--pki", str(pki), "--n", str(a.conns)], timeout=600, name="tls_mem")
        summary["tls"] = report_tls(res, out)
        out.append("")
        flush_part()
    out.append(f"make bench: done in {time.monotonic() - t0:.0f} s; report in {bdir / 'report.txt'}")
    flush_part()
    (bdir / "report.txt").write_text("\n".join(report) + "\n")
    (bdir / "summary.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
