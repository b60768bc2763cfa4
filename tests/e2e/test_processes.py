"""test_processes.py - `show processes cpu`: the CPU load of tollgated's threads and of the host.

The command must name every thread of the core (the main loop, whose TID is the
PID, and the media relay), give each one's CPU time as /proc gives it, and
follow the load: while the main loop is kept busy by a stream of commands, its
five-second share rises above the idle relay's and `sorted` puts it first.
"""
import os
import re
import subprocess
import time

from conftest import TOLLSH

ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+(\S+)", re.M)
HEAD = re.compile(r"^CPU utilization for five seconds: (\d+)%/(\d+)%; one minute: (\d+)%; five minutes: (\d+)%$",
                  re.M)
TOTAL = re.compile(r"^tollgated \(PID (\d+)\): ([\d.]+)% / ([\d.]+)% / ([\d.]+)% of one core$", re.M)


def rows(text):
    return [dict(tid=int(m[1]), ms=int(m[2]), s5=float(m[3]), m1=float(m[4]), m5=float(m[5]), name=m[6])
            for m in ROW.finditer(text)]


def task_ms(pid, tid):
    """utime + stime of one thread, in ms, from /proc."""
    stat = open(f"/proc/{pid}/task/{tid}/stat").read()
    f = stat[stat.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) * 1000 // os.sysconf("SC_CLK_TCK")


def test_threads_runtime_and_load(tollgate):
    core = tollgate.start(config_text="hostname cpu\n")
    pid = core.proc.pid
    out = core.sh("show processes cpu", check=True).stdout
    assert HEAD.search(out), out
    r = rows(out)
    tids = {x["tid"]: x for x in r}
    assert set(tids) == {int(t) for t in os.listdir(f"/proc/{pid}/task")}, (out, os.listdir(f"/proc/{pid}/task"))
    main = tids[pid]
    assert main["name"] == "tollgated" and "main loop" in out, out
    relay = [x for x in r if x["name"].startswith("tg-relay")]
    assert relay, out
    now = task_ms(pid, pid)
    assert now - 30 <= main["ms"] <= now, (main, now)  # the runtime as of the command
    assert TOTAL.search(out) and int(TOTAL.search(out)[1]) == pid, out

    # keep the main loop busy for more than one sampling period (5 s)
    sh = subprocess.Popen([str(TOLLSH), "-S", str(core.sock)], stdin=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 11
    try:
        while time.monotonic() < end:
            sh.stdin.write(b"show running-config\nshow version\nshow sip-ua statistics\n" * 50)
            sh.stdin.flush()
    finally:
        sh.stdin.close()
        sh.wait(timeout=60)
    out = core.sh("show processes cpu sorted", check=True).stdout
    r = rows(out)
    assert r[0]["tid"] == pid, out                 # busiest first
    main = r[0]
    relay = [x for x in r if x["name"].startswith("tg-relay")][0]
    assert main["s5"] >= 5.0 and main["s5"] > relay["s5"], out
    assert main["m1"] > 0 and main["m5"] > 0, out
    total = TOTAL.search(out)
    assert abs(float(total[2]) - sum(x["s5"] for x in r)) < 0.05 * len(r), out
    busy, soft = int(HEAD.search(out)[1]), int(HEAD.search(out)[2])
    assert 0 < busy <= 100 and soft <= busy, out
