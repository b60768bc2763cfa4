"""test_sip_ipv6.py - a call over IPv6: sipp -> Tollgate -> sipp on [::1], in a network
namespace of the test's own (so the [::] listener touches no host port).  The SDP is
anchored too: the callee is offered Tollgate's IPv6 media address."""
import re
import subprocess
from pathlib import Path

import pytest

from conftest import NETNS_OK, ROOT, TOLLGATED

CFG = """hostname v6
voice service voip
 ip address trusted list
  ipv6 ::1/128
 allow-connections sip to sip
 sip
  listen-port non-secure 16060 secure 16061
dial-peer voice 100 voip
 destination-pattern 1...
 session protocol sipv2
 session target ipv6:[::1]:16090
"""

SCRIPT = """set -u
ip link set lo up
"$TOLLGATED" -f "$D/cfg" -S "$D/sock" --foreground 2>"$D/log" &
core=$!
i=0; while [ ! -S "$D/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
sipp -sn uas -i ::1 -p 16090 -m 1 -timeout 10s -trace_msg -message_file "$D/uas.msg" \
     -nostdin >/dev/null 2>&1 &
uas=$!
sleep 0.3
sipp -sn uac -i ::1 -p 16070 -s 1000 [::1]:16060 -m 1 -d 200 -timeout 10s -nostdin \
     -trace_stat -stf "$D/uac.csv" >"$D/uac.out" 2>&1
echo "uac=$?"
wait $uas
kill $core; wait $core
"""


@pytest.mark.skipif(not NETNS_OK, reason="unshare -n is not permitted here")
def test_call_over_ipv6(tmp_path):
    d = Path(tmp_path)
    (d / "cfg").write_text(CFG)
    r = subprocess.run(["unshare", "-n", "sh", "-c", SCRIPT], capture_output=True, text=True, timeout=60,
                       env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "D": str(d), "TOLLGATED": str(TOLLGATED)},
                       cwd=str(ROOT))
    log = (d / "log").read_text(errors="replace") if (d / "log").exists() else ""
    assert "uac=0" in r.stdout, r.stdout + r.stderr + log
    offer = (d / "uas.msg").read_text(errors="replace")
    m = re.search(r"^c=IN IP6 (\S+)", offer, re.M)
    assert m and m.group(1) == "::1", offer          # Tollgate's media address, IPv6
    assert re.search(r"^Via: SIP/2.0/UDP \[::1\]:16060", offer, re.M), offer
