"""test_write.py - write memory when the disk is full or the directory is gone (issue 2).

The startup-config lives on a small tmpfs (mounted here; the test is skipped
only when mounting is not permitted).  With the tmpfs nearly full and a running
configuration whose rendering is larger than the free space, `write memory`
fails with a clear error and status 1; the old file (and FILE.bak) are
byte-identical, no temporary file is left, the running configuration keeps the
change and the core still answers.  After space is freed the write succeeds.
A startup-config whose directory was removed gives a clear error the same way.
"""
import errno
import os
import shutil
import stat
import subprocess

import pytest

from conftest import Core

BASE = "hostname diskfull\n!\ndial-peer voice 1 voip\n destination-pattern 1...\n!\nend\n"


@pytest.fixture
def tmpfs(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mnt)],
                       capture_output=True, text=True, timeout=20)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=20)


@pytest.fixture
def core_on(tmp_path):
    """Start a Core whose config is at an arbitrary path (socket and log stay in tmp_path)."""
    cores = []

    def start(config_path):
        run = tmp_path / f"run{len(cores)}"
        run.mkdir()
        c = Core(run, config_path)
        cores.append(c)
        return c.start()

    yield start
    for c in cores:
        c.stop()


def fill(path, leave):
    """Fill the filesystem of `path` with the file `path`, then give back `leave` bytes."""
    chunk = b"\0" * 4096
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for _ in range(100000):          # bounded: 400 MB at most, far more than 64k
            try:
                os.write(fd, chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                break
        else:
            raise AssertionError("the filesystem never filled up")
        size = os.fstat(fd).st_size
        os.ftruncate(fd, max(0, size - leave))
    finally:
        os.close(fd)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def test_full_disk_write_memory_keeps_old_file(tmpfs, core_on):
    cfg = tmpfs / "startup-config"
    cfg.write_text(BASE)
    core = core_on(cfg)
    # a first write, so that there is a FILE.bak to keep intact too
    core.run_config(["dial-peer voice 2 voip", " destination-pattern 2..."])
    r = core.sh("write memory")
    assert r.returncode == 0 and "[OK]" in r.stdout, r.stdout + r.stderr
    old = cfg.read_bytes()
    bak = tmpfs / "startup-config.bak"
    old_bak = bak.read_bytes()
    assert old_bak == BASE.encode()

    # fill the tmpfs, leaving 8 KiB
    filler = tmpfs / "filler"
    fill(filler, 8192)
    free = free_bytes(tmpfs)
    assert free <= 8192, free

    # make the rendering larger than what is free (about 3x)
    lines = []
    for i in range(100, 400):
        lines += [f"dial-peer voice {i} voip", f" description a long enough description for peer {i:04d}"]
    core.run_config(lines)
    out = core.sh("show running-config", check=True).stdout
    assert len(out.encode()) > 2 * free, (len(out), free)

    r = core.sh("write memory")
    both = r.stdout + r.stderr
    assert r.returncode == 1, both
    assert "No space left on device" in both, both
    assert str(cfg) in both, both
    assert "[OK]" not in r.stdout, both
    assert cfg.read_bytes() == old
    assert bak.read_bytes() == old_bak
    assert sorted(os.listdir(tmpfs)) == ["filler", "startup-config", "startup-config.bak"], os.listdir(tmpfs)
    assert free_bytes(tmpfs) == free, "the failed write left something allocated"

    # the running configuration keeps the change, and the core answers
    out2 = core.sh("show running-config", check=True).stdout
    assert out2 == out
    assert "dial-peer voice 399 voip" in out2
    assert core.sh("show users", check=True).returncode == 0
    assert core.proc.poll() is None
    # copy running-config startup-config fails the same way
    r = core.sh("copy running-config startup-config")
    assert r.returncode == 1 and "No space left on device" in r.stdout + r.stderr, r.stdout + r.stderr
    assert cfg.read_bytes() == old

    # free the space: the write goes through
    filler.unlink()
    r = core.sh("write memory")
    assert r.returncode == 0 and "[OK]" in r.stdout, r.stdout + r.stderr
    body = out[out.index("!\nhostname"):]
    assert cfg.read_text() == body
    assert bak.read_bytes() == old
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmpfs)) == ["startup-config", "startup-config.bak"], os.listdir(tmpfs)

    # and it reloads as written
    core.kill9()
    core.start()
    assert core.sh("show running-config", check=True).stdout == out


def test_full_disk_no_space_at_all(tmpfs, core_on):
    """Not even one block free: the temporary file cannot grow at all."""
    cfg = tmpfs / "startup-config"
    cfg.write_text(BASE)
    core = core_on(cfg)
    fill(tmpfs / "filler", 0)
    core.run_config(["hostname changed"])
    r = core.sh("write memory")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "No space left on device" in r.stdout + r.stderr, r.stdout + r.stderr
    assert cfg.read_text() == BASE
    assert sorted(os.listdir(tmpfs)) == ["filler", "startup-config"], os.listdir(tmpfs)
    assert "hostname changed" in core.sh("show running-config", check=True).stdout


def test_missing_directory(tmp_path, core_on):
    d = tmp_path / "etc-tollgate"
    d.mkdir()
    cfg = d / "startup-config"
    cfg.write_text(BASE)
    core = core_on(cfg)
    shutil.rmtree(d)
    core.run_config(["hostname nodir"])
    r = core.sh("write memory")
    both = r.stdout + r.stderr
    assert r.returncode == 1, both
    assert "No such file or directory" in both and str(d) in both, both
    assert "[OK]" not in r.stdout
    assert not d.exists()
    assert "hostname nodir" in core.sh("show running-config", check=True).stdout
    assert core.proc.poll() is None
    # once the directory is back, the write goes through
    d.mkdir()
    r = core.sh("write memory")
    assert r.returncode == 0 and "[OK]" in r.stdout, r.stdout + r.stderr
    assert "hostname nodir\n" in cfg.read_text()
    assert sorted(os.listdir(d)) == ["startup-config"]


def test_read_only_directory_refused_cleanly(tmp_path, core_on):
    """A startup-config on a file system remounted read-only: refused with the reason."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True,
                       text=True, timeout=20)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        cfg = mnt / "startup-config"
        cfg.write_text(BASE)
        core = core_on(cfg)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True, timeout=20)
        core.run_config(["hostname readonly"])
        r = core.sh("write memory")
        both = r.stdout + r.stderr
        assert r.returncode == 1, both
        assert "Read-only file system" in both, both
        assert cfg.read_text() == BASE
        assert "hostname readonly" in core.sh("show running-config", check=True).stdout
        core.stop()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=20)
