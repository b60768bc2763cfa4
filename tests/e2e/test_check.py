"""test_check.py - `tollgated --check -f FILE` (issue 2).

Each error is printed as `FILE:LINE: message`, followed by the offending line
and a caret line under the offending character; the exit status is 1 when
anything was rejected.  A good file prints `FILE: OK` and exits 0.  YAML files
are checked too, with the YAML line of each problem.  --check never opens a
control socket and never changes the file.
"""
import re
import subprocess

from conftest import ROOT, TOLLGATED

BAD_IOS = """\
hostname checklab
!
frobnicate the widget
!
sip-ua
 crypto signaling default tls-profile 10
 timers connection aging tls 61
!
dial-peer voice 100 voip
 destinaton-pattern 1...
 destination-pattern 1[9-2]..
 voice-class codec 99
 session target ipv4:127.0.0.1:5090
!
voice class tls-profile 10
 sni send
!
end
"""
# line -> (token the caret must point into, or None for "anywhere in the line")
BAD_IOS_LINES = {3: "frobnicate", 7: "61", 10: "destinaton-pattern", 11: None, 12: None}

GOOD_IOS = """\
hostname checklab
!
sip-ua
 crypto signaling default tls-profile 10
!
dial-peer voice 100 voip
 destination-pattern 1...
 session target ipv4:127.0.0.1:5090
!
voice class tls-profile 10
 sni send
!
end
"""


def check(path, timeout=30):
    r = subprocess.run([str(TOLLGATED), "--check", "-f", str(path)], cwd=str(ROOT), capture_output=True,
                       text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


def records(path, out):
    """Split --check output into {lineno: [message, following lines...]}."""
    pfx = re.escape(str(path))
    heads = list(re.finditer(rf"^{pfx}:(\d+): (.*)$", out, re.M))
    recs = {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(out)
        n = int(m.group(1))
        assert n not in recs, f"line {n} reported twice:\n{out}"
        recs[n] = [m.group(2)] + out[m.end():end].split("\n")[1:]
    return recs


def assert_line_and_caret(path, n, rec, out, token=None):
    """rec holds, after the message (which may continue on more lines), the source
    line verbatim and then a caret line pointing into it."""
    src = path.read_text().split("\n")[n - 1]
    follow = rec[1:]
    assert src in follow, f"line {n}: the offending line is not printed:\n{out}"
    i = follow.index(src)
    assert i + 1 < len(follow), f"line {n}: no caret line:\n{out}"
    caret = follow[i + 1]
    assert re.fullmatch(r" *\^", caret), f"line {n}: not a caret line: {caret!r}\n{out}"
    col = len(caret) - 1
    assert col < len(src), f"line {n}: caret beyond the line\n{out}"
    if token is not None:
        start = src.index(token)
        assert start <= col < start + len(token), f"line {n}: caret at {col}, not under {token!r}\n{out}"


def test_check_bad_ios_file(tmp_path):
    path = tmp_path / "bad.cfg"
    path.write_text(BAD_IOS)
    before = path.read_bytes()
    rc, out = check(path)
    assert rc == 1, out
    recs = records(path, out)
    assert set(recs) == set(BAD_IOS_LINES), out
    for n, tok in BAD_IOS_LINES.items():
        assert recs[n][0].strip(), out
        assert_line_and_caret(path, n, recs[n], out, tok)
    assert "Invalid input detected at '^' marker." in recs[3][0]
    assert "Incorrect format for E.164 Number" in recs[11][0], out
    assert "99" in recs[12][0], out
    # errors come in file order
    order = [int(n) for n in re.findall(rf"^{re.escape(str(path))}:(\d+): ", out, re.M)]
    assert order == sorted(order), out
    assert f"{path}: OK" not in out
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.cfg"]


def test_check_good_ios_file(tmp_path):
    path = tmp_path / "good.cfg"
    path.write_text(GOOD_IOS)
    rc, out = check(path)
    assert rc == 0, out
    assert out.strip() == f"{path}: OK", out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.cfg"]


def test_check_empty_file_is_ok(tmp_path):
    path = tmp_path / "empty.cfg"
    path.write_text("")
    rc, out = check(path)
    assert rc == 0 and out.strip() == f"{path}: OK", out


def test_check_missing_file(tmp_path):
    path = tmp_path / "nope.cfg"
    rc, out = check(path)
    assert rc == 1, out
    assert str(path) in out and "No such file or directory" in out, out
    assert "OK" not in out


def test_check_rejected_header_children_reported_with_caret(tmp_path):
    """Children of a rejected block header are errors too, each naming the header's
    line, and, like every --check error, printed with the line and a caret line."""
    path = tmp_path / "hdr.cfg"
    path.write_text("hostname h\n!\ndial-peer voice 100 voip\n description ok\n!\n"
                    "dial-peer voice 0 voip\n description child\n huntstop\n!\nend\n")
    rc, out = check(path)
    assert rc == 1, out
    recs = records(path, out)
    assert set(recs) == {6, 7, 8}, out
    assert_line_and_caret(path, 6, recs[6], out, "0")
    for n in (7, 8):
        assert "line 6" in recs[n][0], out
    for n in (7, 8):
        assert_line_and_caret(path, n, recs[n], out)


GOOD_YAML = """\
hostname: ylab
logging:
  buffered: 65536
voice-class:
  codec:
  - tag: 1
    codec-preference:
    - {preference: 1, codec: g711ulaw}
sip-ua:
  connection-reuse: true
  timers:
    connection-aging-tls: 10
"""

BAD_YAML = """\
hostname: ylab
logging:
  buffered: 65536
voice-class:
  codec:
  - tag: 1
    codec-preference:
    - {preference: 1, codec: g711ulaw}
    colour: blue
sip-ua:
  connection-reuse: true
  timers:
    connection-aging-tls: ten
"""


def test_check_good_yaml(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD_YAML)
    rc, out = check(path)
    assert rc == 0, out
    assert out.strip() == f"{path}: OK", out


def test_check_bad_yaml_unknown_key_and_wrong_type(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(BAD_YAML)
    rc, out = check(path)
    assert rc == 1, out
    recs = records(path, out)
    assert set(recs) == {9, 13}, out
    assert "colour" in recs[9][0] and "unknown" in recs[9][0].lower(), out
    assert "connection-aging-tls" in recs[13][0] and "ten" in recs[13][0], out
    assert "OK" not in out


def test_check_yaml_syntax_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("hostname: y\nsip-ua:\n  connection-reuse: [true\n")
    rc, out = check(path)
    assert rc == 1, out
    assert re.search(rf"^{re.escape(str(path))}:\d+: ", out, re.M), out
    assert "OK" not in out


def test_check_yaml_out_of_range_value(tmp_path):
    path = tmp_path / "range.yaml"
    path.write_text("hostname: y\nsip-ua:\n  timers:\n    connection-aging-tls: 61\n")
    rc, out = check(path)
    assert rc == 1, out
    assert set(records(path, out)) == {4}, out
