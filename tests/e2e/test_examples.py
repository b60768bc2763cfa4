"""test_examples.py - every file in conf/examples/ checks, boots clean, is written in
canonical form, and survives IOS text -> model -> YAML -> model -> text unchanged.

Run: /usr/bin/python3 -m pytest tests/e2e/test_examples.py

For each conf/examples/NAME.cfg:
  - `tollgated --check -f` exits 0 (lab.cfg after the lab PKI is generated);
  - a core booted on it rejects no line (`show startup-config errors`);
  - the file's text is exactly the body of `show running-config` (canonical form);
  - `show running-config yaml` loaded into a second core gives the same running-config;
  - NAME.yaml is exactly what the core renders as YAML, and boots to the same config;
  - `copy running-config FILE.yaml` then `copy FILE.yaml running-config` (merge) agrees.
Plus a few semantic facts per example, and the "CUBE commands not supported (yet)"
table of docs/configuration.md checked against the real grammar.
"""
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, TOLLGATED, ensure_lab_pki

EXAMPLES = ROOT / "conf" / "examples"
GUIDE = ROOT / "docs" / "configuration.md"
CFGS = sorted(EXAMPLES.glob("*.cfg"))
YAMLS = sorted(EXAMPLES.glob("*.yaml"))
EXPECTED = ["cube-migration", "genesys-byoc", "lab"]

NO_ERRORS = re.compile(r"^No line of .* was rejected at boot\.$")


@pytest.fixture(scope="module", autouse=True)
def lab_pki():
    return ensure_lab_pki()


def ids(paths):
    return [p.name for p in paths]


def check(path):
    return subprocess.run([str(TOLLGATED), "--check", "-f", str(path)], cwd=str(ROOT),
                          capture_output=True, text=True, timeout=30)


def body(show_run):
    """`show running-config` minus its 3 header lines, checking the header on the way."""
    lines = show_run.splitlines(keepends=True)
    assert lines[0] == "Building configuration...\n", show_run[:200]
    assert lines[1] == "\n"
    m = re.fullmatch(r"Current configuration : (\d+) bytes\n", lines[2])
    assert m, lines[2]
    text = "".join(lines[3:])
    assert int(m.group(1)) == len(text.encode()), "byte count in the header"
    assert text.endswith("!\nend\n")
    return text


def boot(tollgate, path):
    """Start a core on a copy of PATH (same file name, so .yaml stays YAML)."""
    core = tollgate.start(config_file=path, name=Path(path).name, netns=True)
    errs = core.sh("show startup-config errors", check=True).stdout.strip()
    assert NO_ERRORS.match(errs), f"{path.name}: lines rejected at boot:\n{errs}"
    return core


def running(core):
    return core.sh("show running-config", check=True).stdout


# ---------------------------------------------------------------- the set of files

def test_examples_present():
    assert set(EXPECTED) <= {p.stem for p in CFGS}
    # every example exists in both faces
    assert [p.stem for p in YAMLS] == [p.stem for p in CFGS]
    assert (EXAMPLES / "startup-config").is_file()


@pytest.mark.parametrize("path", CFGS + YAMLS + [EXAMPLES / "startup-config"],
                         ids=ids(CFGS + YAMLS) + ["startup-config"])
def test_check_ok(path):
    r = check(path)
    assert r.returncode == 0, f"{r.stdout}{r.stderr}"
    assert r.stdout.strip().endswith(": OK"), r.stdout


# ---------------------------------------------------------------- boot and identity

@pytest.mark.parametrize("cfg", CFGS, ids=ids(CFGS))
def test_cfg_is_canonical(tollgate, cfg):
    """The file is written exactly as the core renders it."""
    core = boot(tollgate, cfg)
    assert body(running(core)) == cfg.read_text()


@pytest.mark.parametrize("cfg", CFGS, ids=ids(CFGS))
def test_yaml_round_trip(tollgate, cfg):
    """IOS text -> core -> YAML -> second core -> the same running-config."""
    first = boot(tollgate, cfg)
    run1 = running(first)
    yaml = first.sh("show running-config yaml", check=True).stdout
    second = tollgate.start(config_text=yaml, name=cfg.stem + ".yaml", netns=True)
    errs = second.sh("show startup-config errors", check=True).stdout.strip()
    assert NO_ERRORS.match(errs), errs
    assert running(second) == run1
    # and the second core renders the same YAML again
    assert second.sh("show running-config yaml", check=True).stdout == yaml


@pytest.mark.parametrize("cfg", CFGS, ids=ids(CFGS))
def test_yaml_twin(tollgate, cfg):
    """NAME.yaml is the core's YAML rendering of NAME.cfg and boots to the same config."""
    twin = cfg.with_suffix(".yaml")
    first = boot(tollgate, cfg)
    assert first.sh("show running-config yaml", check=True).stdout == twin.read_text()
    second = boot(tollgate, twin)
    assert running(second) == running(first)
    assert body(running(second)) == cfg.read_text()


@pytest.mark.parametrize("cfg", CFGS, ids=ids(CFGS))
def test_copy_yaml_and_merge(tollgate, cfg, tmp_path):
    """copy running-config FILE.yaml, then copy FILE.yaml running-config into a fresh core."""
    first = boot(tollgate, cfg)
    out = tmp_path / f"saved-{cfg.stem}.yaml"
    r = first.sh(f"copy running-config {out}", check=True)
    assert "[OK]" in r.stdout
    assert out.read_text() == cfg.with_suffix(".yaml").read_text()
    fresh = tollgate.start(config_text="hostname blank\n")
    fresh.sh(f"copy {out} running-config", check=True)
    assert body(running(fresh)) == cfg.read_text()
    # merging the IOS text itself gives the same
    fresh2 = tollgate.start(config_text="hostname blank\n")
    fresh2.sh(f"copy {cfg} running-config", check=True)
    assert body(running(fresh2)) == cfg.read_text()


# ---------------------------------------------------------------- semantic facts

def section(text, header):
    """The lines of the top-level block that starts with HEADER (without the header)."""
    lines = text.splitlines()
    i = lines.index(header)
    out = []
    for ln in lines[i + 1:]:
        if not ln.startswith(" "):
            break
        out.append(ln)
    return out


def blocks(text, prefix):
    """{header: [lines]} of every top-level block whose header starts with PREFIX."""
    return {ln: section(text, ln) for ln in text.splitlines() if ln.startswith(prefix)}


BYOC_CIPHERS = [  # the seed's order, in Tollgate's (CUBE's) keywords
    "RSA_WITH_AES_256_CBC_SHA",         # TLS_RSA_WITH_AES_256_CBC_SHA
    "RSA_WITH_AES_256_CBC_SHA256",      # TLS_RSA_WITH_AES_256_CBC_SHA256
    "RSA_WITH_AES_128_GCM_SHA256",      # TLS_RSA_WITH_AES_128_GCM_SHA256
    "RSA_WITH_AES_256_GCM_SHA384",      # TLS_RSA_WITH_AES_256_GCM_SHA384
    "ECDHE_RSA_WITH_AES_256_CBC_SHA",   # TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    "ECDHE_RSA_AES256_SHA384",          # TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    "ECDHE_RSA_AES128_GCM_SHA256",      # TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    "ECDHE_RSA_AES256_GCM_SHA384",      # TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
]


def test_genesys_semantics(tollgate):
    core = boot(tollgate, EXAMPLES / "genesys-byoc.cfg")
    run = body(running(core))
    # TLS 1.2 only (not "minimum"), no UDP
    ua = section(run, "sip-ua")
    assert " transport tcp tls v1.2" in ua
    assert " no transport udp" in ua
    assert not any("v1.3" in ln or "minimum" in ln for ln in ua)
    # exactly the 8 BYOC suites, in the seed's order
    ciphers = blocks(run, "voice class tls-cipher ")
    assert len(ciphers) == 1
    (lines,) = ciphers.values()
    assert lines == [f" cipher {i} {n}" for i, n in enumerate(BYOC_CIPHERS, 1)]
    tag = next(iter(ciphers)).split()[-1]
    # the profile: those ciphers, secp384r1 only, server name checked, SNI, no client cert
    (prof_hdr, prof), = blocks(run, "voice class tls-profile ").items()
    assert f" cipher {tag}" in prof
    assert " ecdh-curve secp384r1" in prof
    assert " cn-san validate server" in prof
    assert " sni send" in prof
    assert "client-vtp" not in run
    assert "cn-san validate client" not in run and "cn-san validate bidirectional" not in run
    prof_tag = prof_hdr.split()[-1]
    assert f" crypto signaling default tls-profile {prof_tag}" in ua
    # public CA trust, our chain presented
    tps = blocks(run, "crypto pki trustpoint ")
    assert any(" ca-certificate file /etc/ssl/certs/ca-certificates.crt" in b for b in tps.values())
    # port 5061
    sip = section(run, "voice service voip")
    assert "  listen-port non-secure 5060 secure 5061" in sip
    # outbound: dns targets on 5061 over TLS, with a tgrp and SRTP
    peers = blocks(run, "dial-peer voice ")
    out = [b for b in peers.values() if any(ln.startswith(" session target dns:") for ln in b)]
    assert len(out) >= 2
    for b in out:
        tgt = next(ln for ln in b if ln.startswith(" session target "))
        assert re.fullmatch(r" session target dns:[a-z0-9.]+\.pure\.cloud:5061", tgt), tgt
        assert " session transport tcp tls" in b
        assert " srtp" in b
        assert any(re.fullmatch(r" voice-class sip tgrp \S+ trunk-context \S+", ln) for ln in b)
        assert f" voice-class sip tls-profile {prof_tag}" in b
    # inbound: a uri class with a tgrp, used by an inbound dial-peer
    uris = blocks(run, "voice class uri ")
    tgrp_classes = [h.split()[3] for h, b in uris.items()
                    if any(re.fullmatch(r" tgrp \S+ trunk-context \S+", ln) for ln in b)]
    assert tgrp_classes
    assert any(f" incoming uri request {t}" in b for t in tgrp_classes for b in peers.values())
    # the show command agrees
    show = core.sh(f"show voice class tls-cipher {tag}", check=True).stdout
    order = [ln.split()[1] for ln in show.splitlines() if re.match(r"\s+\d+\s", ln)]
    assert order == BYOC_CIPHERS


def test_lab_semantics(tollgate):
    core = boot(tollgate, EXAMPLES / "lab.cfg")
    run = body(running(core))
    assert run.startswith("!\nhostname tollgate-lab\n")
    # loopback only
    for ln in run.splitlines():
        for addr in re.findall(r"\b(\d+\.\d+\.\d+\.\d+)\b", ln):
            assert addr.startswith("127.") or addr.startswith("255."), ln
    assert "  ipv4 127.0.0.0 /8" in section(run, "voice service voip")
    ua = section(run, "sip-ua")
    assert " transport tcp tls v1.2" in ua
    assert " crypto signaling default trustpoint LAB" in ua
    # the test PKI, relative to the repository root, really loaded
    tp = section(run, "crypto pki trustpoint LAB")
    for ln in tp:
        m = re.match(r" (?:certificate|private-key|ca-certificate|crl) file (\S+)$", ln)
        if m:
            assert m.group(1).startswith("build/lab/pki/")
            assert (ROOT / m.group(1)).is_file()
    show = core.sh("show crypto pki trustpoints LAB", check=True).stdout
    assert "CN=sbc.test.example" in show
    assert "matches certificate" in show
    peers = blocks(run, "dial-peer voice ")
    targets = sorted(ln for b in peers.values() for ln in b if ln.startswith(" session target "))
    assert targets == [" session target ipv4:127.0.0.1:5070", " session target ipv4:127.0.0.1:5090"]


def test_cube_migration_semantics(tollgate):
    core = boot(tollgate, EXAMPLES / "cube-migration.cfg")
    run = body(running(core))
    tps = blocks(run, "crypto pki trustpoint ")
    assert all(" enrollment terminal" in b or " enrollment terminal pem" in b for b in tps.values())
    assert any(" revocation-check none" in b for b in tps.values())
    voip = section(run, "voice service voip")
    for ln in (" ip address trusted list", " srtp fallback", "  session transport tcp tls",
               "  url sips", " allow-connections sip to sip"):
        assert ln in voip, ln
    assert any(ln.startswith("  srtp-crypto ") for ln in voip)
    ua = section(run, "sip-ua")
    assert any(re.fullmatch(r" crypto signaling remote-addr \S+ \S+ trustpoint \S+.*", ln) for ln in ua)
    peers = blocks(run, "dial-peer voice ")
    assert any(" voice-class sip tenant 100" in b for b in peers.values())
    assert any(" voice-class sip options-keepalive profile 100" in b for b in peers.values())
    assert all(any(ln.startswith(" voice-class sip srtp-crypto ") for ln in b) for b in peers.values())


# ---------------------------------------------------------------- unsupported CUBE commands

# the "Mode" column of the table in docs/configuration.md -> the lines that enter that mode
MODE_ENTRY = {
    "config": [],
    "voice service voip": ["voice service voip"],
    "voice service voip / sip": ["voice service voip", " sip"],
    "sip-ua": ["sip-ua"],
    "dial-peer": ["dial-peer voice 100 voip"],
    "crypto pki trustpoint": ["crypto pki trustpoint CUBE-IDENTITY"],
    "voice class tls-profile": ["voice class tls-profile 100"],
    "voice class tenant": ["voice class tenant 100"],
    "voice class uri": ["voice class uri ITSP sip"],
}


def unsupported_table():
    text = GUIDE.read_text()
    m = re.search(r"^## CUBE commands not supported \(yet\)\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, "docs/configuration.md has no section '## CUBE commands not supported (yet)'"
    rows = []
    for ln in m.group(1).splitlines():
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if len(cells) < 3 or not ln.lstrip().startswith("|"):
            continue
        cmd = re.fullmatch(r"`([^`]+)`", cells[1])
        if not cmd:
            continue  # the header row
        assert cells[0] in MODE_ENTRY, f"unknown mode {cells[0]!r} in the table"
        rows.append((cells[0], cmd.group(1)))
    assert len(rows) >= 10
    return rows


def test_unsupported_commands_documented_and_rejected(tmp_path):
    """cube-migration.cfg plus every command of the table: exactly the table's lines are
    rejected, so the example loads with no error except documented unsupported commands."""
    lines = [ln for ln in (EXAMPLES / "cube-migration.cfg").read_text().splitlines() if ln != "end"]
    expected = {}
    for mode, cmd in unsupported_table():
        lines += MODE_ENTRY[mode]
        indent = " " * len(MODE_ENTRY[mode])
        lines.append(indent + cmd)
        expected[len(lines)] = cmd
    lines.append("end")
    f = tmp_path / "cube-with-unsupported.cfg"
    f.write_text("\n".join(lines) + "\n")
    r = check(f)
    assert r.returncode == 1
    rejected = {int(n) for n in re.findall(rf"^{re.escape(str(f))}:(\d+): ", r.stdout, re.M)}
    missing = {expected[n] for n in set(expected) - rejected}
    assert not missing, f"documented as unsupported but accepted: {sorted(missing)}"
    extra = sorted(rejected - set(expected))
    assert not extra, f"rejected but not documented: {[lines[n - 1] for n in extra]}\n{r.stdout}"
