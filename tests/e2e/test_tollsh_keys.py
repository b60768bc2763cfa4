"""test_tollsh_keys.py - the keys of the interactive shell, on a real pty (issue 2).

tollsh under readline, as an SSH login gets it: `?` lists what may come next
and gives the line back, Tab completes from the core's grammar, Ctrl-Z runs
the line typed so far and leaves configuration mode (IOS's `no shutdown^Z`),
Ctrl-C drops the line, Ctrl-P recalls history, and long output stops at
--More-- (Space: a page, Enter: a line, q: the rest is dropped).
"""
import re

import pytest

from ptyhelp import PtySession

PEERS = "".join(f"dial-peer voice {n} voip\n description peer-{n}\n destination-pattern {n}..\n!\n"
                for n in range(10, 22))
CONFIG = "hostname keys\n!\n" + PEERS + "end\n"


@pytest.fixture
def shell(tollgate):
    core = tollgate.start(config_text=CONFIG)
    pt = PtySession(core.sock, rows=24, cols=120)
    pt.expect(r"keys#\s*$")
    yield core, pt
    pt.close()


def test_question_mark_lists_keywords_and_keeps_the_line(shell):
    core, pt = shell
    pt.send(b"show sip-ua ?")
    out = pt.expect(r"keys#show sip-ua $")
    for kw, helptext in (("calls", "SIP UA Calls"), ("connections", "SIP UA Transport Connection"),
                         ("statistics", "SIP Statistics"), ("status", "SIP User Agent Status")):
        assert re.search(rf"^\s+{kw}\s+{helptext}", out, re.M), out
    # the line is still there: finishing it runs the whole command
    out = pt.cmd("status", "keys#")
    assert "SIP User Agent Status" in out or "SIP User Agent" in out, out
    assert "%" not in out, out


def test_tab_completes_from_the_grammar(shell):
    core, pt = shell
    pt.send(b"show runn\t")
    pt.expect(r"show running-config $")
    out = pt.cmd("| include hostname", "keys#")
    assert re.search(r"^hostname keys$", out, re.M), out
    # ambiguous: the common part only, then Tab Tab lists both
    pt.send(b"show sip-ua st\t")
    pt.expect(r"show sip-ua stat$")
    pt.send(b"\t\t")
    out = pt.expect(r"keys#show sip-ua stat$")
    assert "statistics" in out and "status" in out, out
    pt.send(b"\x03")
    pt.expect(r"keys#\s*$")


def test_ctrl_z_runs_the_line_then_ends_configuration(shell):
    core, pt = shell
    pt.cmd("configure terminal", "keys(config)#")
    pt.cmd("dial-peer voice 10 voip", "keys(config-dial-peer)#")
    pt.send(b"description typed-before-ctrl-z\x1a")
    out = pt.expect(r"keys#\s*$")
    assert "^Z" in out and "%" not in out, out
    r = core.sh("show running-config | section dial-peer voice 10 ", check=True)
    assert "description typed-before-ctrl-z" in r.stdout, r.stdout
    # an empty line: only `end`
    pt.cmd("configure terminal", "keys(config)#")
    pt.send(b"\x1a")
    pt.expect(r"keys#\s*$")
    # at the EXEC prompt Ctrl-Z is only a new prompt, no error
    pt.send(b"\x1a")
    out = pt.expect(r"keys#\s*$")
    assert "%" not in out, out


def test_ctrl_c_drops_the_line_and_ctrl_p_recalls_history(shell):
    core, pt = shell
    pt.send(b"configure terminal\x03")
    out = pt.expect(r"keys#\s*$")
    assert "^C" in out, out
    out = pt.cmd("show running-config | include hostname", "keys#")
    assert "(config)" not in out, out  # the dropped line did not run
    pt.send(b"\x10")  # Ctrl-P: the last line run, not the dropped one
    pt.expect(r"show running-config \| include hostname$")
    out = pt.cmd("", "keys#")
    assert re.search(r"^hostname keys$", out, re.M), out


def test_pager_space_enter_and_q(shell):
    core, pt = shell
    pt.cmd("terminal length 6", "keys#")
    pt.send(b"show running-config\r")
    first = pt.expect(r"--More--")
    page = first[first.index("show running-config\n") + len("show running-config\n"):first.rindex("--More--")]
    assert page.count("\n") == 5, repr(page)  # length 6: 5 lines, then --More--
    pt.send(b" ")
    second = pt.expect(r"--More--")
    assert second.count("\n") == 5, repr(second)  # Space: 5 more
    assert "dial-peer voice 10 voip" in second, repr(second)
    pt.send(b"\r")
    third = pt.expect(r"--More--")
    assert third.count("\n") == 1, repr(third)  # Enter: one line more
    pt.send(b"q")
    rest = pt.expect(r"keys#\s*$")
    full = core.sh("show running-config", check=True).stdout
    assert full.rstrip().endswith("end"), full
    shown = first + second + third + rest
    assert "peer-21" not in shown and not re.search(r"^end$", shown, re.M), shown  # q dropped the rest
    # terminal length 0: no pager at all
    pt.cmd("terminal length 0", "keys#")
    out = pt.cmd("show running-config", "keys#")
    assert "--More--" not in out and "peer-21" in out and re.search(r"^end$", out, re.M), out
