#!/usr/bin/env python3
"""tls_mem.py - `make bench`, part 3: memory per idle TLS connection held by Tollgate.

Starts tollgated (fd limit raised with `prlimit --nofile=65536`) with only a TLS listener,
reads its RSS (VmRSS of /proc/PID/status), opens N TLS connections to it with
build/bench/tls_hold (GnuTLS client, several 127.0.0.x source addresses so that N is not
limited by one address's ephemeral ports), reads the RSS again once all are established
and idle, and prints (RSS growth) / (connections held).

    python3 tests/bench/tls_mem.py --build build --out build/bench/tls [--n 20000]

Loopback and a high port only; every step bounded by `timeout`; processes stopped by PID.
Prints one JSON object on stdout (also written to OUT/results.json).
"""
import argparse
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def status_kb(pid, key):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def established(port):
    """ESTABLISHED TCP sockets on 127.0.0.x with local port `port` (the server's side)."""
    n = 0
    want = f":{port:04X}"
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if p[1].endswith(want) and p[3] == "01":
                n += 1
    return n


def listening(port):
    want = f":{port:04X}"
    with open("/proc/net/tcp") as f:
        next(f)
        return any(line.split()[1].endswith(want) and line.split()[3] == "0A" for line in f)


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


def stop(p, wait=15):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


def sockstat_tcp_mem():
    for line in Path("/proc/net/sockstat").read_text().splitlines():
        if line.startswith("TCP:"):
            f = line.split()
            return int(f[f.index("mem") + 1])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "build" / "bench" / "tls"))
    ap.add_argument("--pki", default=str(ROOT / "build" / "bench" / "pki"))
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--sources", default="127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5")
    ap.add_argument("--inflight", type=int, default=48)
    ap.add_argument("--max-time", type=int, default=240)
    a = ap.parse_args()
    build, out, pki = Path(a.build).resolve(), Path(a.out).resolve(), Path(a.pki).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run(["sh", str(ROOT / "tests/pki/gen-test-pki.sh"), str(pki)], check=True, timeout=120)
    udp, tls = free_port(), free_port()
    cfg = out / "startup-config"
    cfg.write_text(f"""hostname benchtls
!
crypto pki trustpoint BENCH
 certificate file {pki}/sbc-chain.pem
 private-key file {pki}/sbc-key.pem
 ca-certificate file {pki}/ca-bundle.pem
!
voice service voip
 sip
  bind control source-address 127.0.0.1
  listen-port non-secure {udp} secure {tls}
!
sip-ua
 transport tcp tls v1.2
 crypto signaling default trustpoint BENCH
!
end
""")
    # Tollgate needs one fd per connection: raise its limit to 65536 when the hard limit lets
    # us (prlimit); in a container without CAP_SYS_RESOURCE the hard limit is the ceiling.
    want = 65536
    probe = subprocess.run(["prlimit", f"--nofile={want}:{want}", "true"], capture_output=True, text=True)
    if probe.returncode == 0:
        lim = want
    else:
        lim = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if lim == resource.RLIM_INFINITY:
            lim = want
        lim = min(lim, want)
    n = min(a.n, lim - 100)  # the core's own fds (listeners, epoll, timers, control socket)
    res = dict(n_asked=a.n, n=n, nofile=lim, sources=a.sources, port=tls, error=None,
               note=None if n == a.n else f"{a.n} not reachable: RLIMIT_NOFILE hard limit {lim} "
               f"({probe.stderr.strip() or 'prlimit refused'}); held {n} instead")
    sock = out / "tollsh.sock"
    logf = open(out / "tollgated.log", "ab")
    tg = subprocess.Popen(["prlimit", f"--nofile={lim}:{lim}", str(build / "tollgated"), "-f", str(cfg), "-S",
                           str(sock), "--foreground"], cwd=str(ROOT), stdin=subprocess.DEVNULL, stdout=logf,
                          stderr=subprocess.STDOUT, env={**os.environ, "TZ": "UTC"}, start_new_session=True)
    logf.close()
    client = None
    try:
        end = time.monotonic() + 15
        while time.monotonic() < end and tg.poll() is None and not listening(tls):
            time.sleep(0.1)
        if not listening(tls):
            raise RuntimeError(f"tollgated did not listen on {tls}: {(out / 'tollgated.log').read_text()[-2000:]}")
        time.sleep(0.5)
        res["nofile_limit"] = next((ln.split()[3] for ln in Path(f"/proc/{tg.pid}/limits").read_text().splitlines()
                                    if ln.startswith("Max open files")), None)
        rss0, tcpmem0 = status_kb(tg.pid, "VmRSS"), sockstat_tcp_mem()
        cpu0 = cpu_s(tg.pid)
        cout = open(out / "tls_hold.out", "w")
        t0 = time.monotonic()
        client = subprocess.Popen(["timeout", str(a.max_time + 120), str(build / "bench" / "tls_hold"),
                                   "-c", str(a.inflight), "-s", a.sources, "-T", str(a.max_time),
                                   "127.0.0.1", str(tls), str(n)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=cout, text=True,
                                  start_new_session=True)
        line = client.stdout.readline().strip()  # "tls_hold: established E failed F ..."
        t1 = time.monotonic()
        res["client"] = line
        log(f"tls_mem: {line}")
        held_client = int(line.split()[2]) if line.startswith("tls_hold: established") else 0
        time.sleep(3)  # let the server settle (its last handshakes, its timers)
        rss1, tcpmem1 = status_kb(tg.pid, "VmRSS"), sockstat_tcp_mem()
        held = established(tls)
        res.update(rss0_kb=rss0, rss1_kb=rss1, held_client=held_client, held_server=held,
                   connect_s=round(t1 - t0, 1), handshakes_per_s=round(held_client / (t1 - t0), 0) if t1 > t0 else None,
                   server_cpu_s=round(cpu_s(tg.pid) - cpu0, 2), tcp_mem_pages=(tcpmem0, tcpmem1),
                   alive=tg.poll() is None)
        if rss1 is not None and held:
            res["kb_per_conn"] = round((rss1 - rss0) / held, 2)
        ts = time.monotonic()
        res["show_conn_head"] = tollsh(build, sock, "show sip-ua connections tcp tls brief", 12)
        res["show_s"] = round(time.monotonic() - ts, 2)  # the CLI with N connections listed
        # let go of them all at once: the core must survive it
        client.send_signal(signal.SIGTERM)
        try:
            client.wait(timeout=30)
        except subprocess.TimeoutExpired:
            client.kill()
            client.wait(timeout=5)
        c0, t0 = cpu_s(tg.pid), time.monotonic()
        end = t0 + 90
        while time.monotonic() < end and tg.poll() is None and established(tls) > 0:
            time.sleep(0.2)
        left = established(tls)
        time.sleep(1)
        res.update(close_s=round(time.monotonic() - t0 - 1, 1), close_cpu_s=round(cpu_s(tg.pid) - c0, 2),
                   left_after_close=left)
        res["alive_after_close"] = tg.poll() is None
        res["rss_after_close_kb"] = status_kb(tg.pid, "VmRSS")
        if tg.poll() is not None:
            res["error"] = f"tollgated exited with {tg.returncode}"
    except Exception as e:  # noqa: BLE001
        res["error"] = str(e)
    finally:
        if client and client.poll() is None:
            client.kill()
            client.wait(timeout=5)
        stop(tg)
        res["exit_status"] = tg.returncode
        res["log_tail"] = "\n".join((out / "tollgated.log").read_text(errors="replace").splitlines()[-8:])
    (out / "results.json").write_text(json.dumps(res, indent=1))
    print(json.dumps(res))


def cpu_s(pid):
    try:
        st = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    f = st[st.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def tollsh(build, sock, cmd, lines):
    try:
        r = subprocess.run([str(build / "tollsh"), "-S", str(sock), "-c", cmd], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        return "\n".join((r.stdout + r.stderr).splitlines()[:lines])
    except subprocess.TimeoutExpired:
        return f"({cmd}: no answer within 60 s)"


if __name__ == "__main__":
    main()
