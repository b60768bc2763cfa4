"""test_monitor.py - `terminal monitor`: log lines reach a session that asked for them
(and stop when it says `terminal no monitor`), while another session configures."""
import subprocess
import time

from conftest import TOLLSH


def test_terminal_monitor_receives_log_lines(tollgate):
    core = tollgate.start(config_text="hostname mon\n")
    # a long-lived session reading commands from a pipe
    p = subprocess.Popen([str(TOLLSH), "-S", str(core.sock), "--echo"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        p.stdin.write("terminal monitor\n")
        p.stdin.flush()
        time.sleep(0.5)
        core.run_config(["hostname mon2"])           # logs %SYS-5-CONFIG_I from vty1
        time.sleep(0.5)
        p.stdin.write("terminal no monitor\n")
        p.stdin.flush()
        time.sleep(0.5)
        core.run_config(["hostname mon3"])           # logged, but no longer sent to the session
        time.sleep(0.5)
        p.stdin.write("show running-config | include hostname\n")
        out = p.communicate(timeout=10)[0]
    finally:
        if p.poll() is None:
            p.kill()
    lines = out.splitlines()
    configured = [l for l in lines if "%SYS-5-CONFIG_I: Configured from console" in l]
    assert len(configured) == 1, out            # the first change only
    assert "hostname mon3" in out, out          # the session still works
    # the core logged both changes
    assert core.log_text().count("%SYS-5-CONFIG_I") == 2, core.log_text()
