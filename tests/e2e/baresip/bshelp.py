"""bshelp.py - baresip as a SIP user agent for the media end-to-end tests (issue 4).

    from bshelp import Baresip, make_tone, tone_report

    make_tone(path, freq=1000, seconds=8)                 # sox: 8 kHz mono s16 sine WAV
    callee = Baresip(bg, tmp, "callee", user="9123", tone=t2, mediaenc="srtp-mand",
                     tls=(cert_and_key_pem, ca_pem)).start()
    caller = Baresip(bg, tmp, "caller", user="caller", tone=t1, mediaenc="srtp-mand").start()
    caller.dial(f"sip:9123@127.0.0.1:{port};transport=tls")
    caller.wait_event("CALL_ESTABLISHED", timeout=10)
    ...
    caller.hangup(); caller.wait_event("CALL_CLOSED")
    rec = callee.recording()                              # the decoded audio it received (sndfile)
    tone_report(rec)                                      # {"freq": ..., "rms": ..., "seconds": ...}

Each instance has its own config directory (-f DIR): `sip_listen 127.0.0.1:PORT`
(baresip listens for TLS on PORT + 1), its own RTP port range, the aufile
module as audio source (the tone WAV), aubridge as a player that needs no sound
card, and the sndfile filter, which writes the decoded (received) audio of each
call to DIR/rec/dump-*-dec.wav.  It is driven over the ctrl_tcp module (JSON in
netstrings on 127.0.0.1:CTRL): commands `dial`, `hangup`, `quit`; its events
(CALL_ESTABLISHED, CALL_CLOSED with the reason, ...) are collected by a reader
thread.  Processes are started and stopped by pid through the `bg` fixture.
"""
import json
import math
import socket
import struct
import subprocess
import threading
import time
import wave
from pathlib import Path

MODULES = "/usr/lib/baresip/modules"
LOCAL = "127.0.0.1"


def make_tone(path, freq=1000, seconds=8, volume=0.5):
    """A sine tone as an 8 kHz, mono, 16-bit WAV file (what aufile needs for G.711)."""
    subprocess.run(["sox", "-q", "-n", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer",
                    str(path), "synth", str(seconds), "sine", str(freq), "vol", str(volume)],
                   check=True, timeout=30, capture_output=True)
    return Path(path)


def read_wav(path):
    """(sample rate, [int samples]) of a mono 16-bit WAV."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2, f"{path}: {w.getsampwidth()} bytes per sample"
        n = w.getnframes()
        ch = w.getnchannels()
        raw = w.readframes(n)
        rate = w.getframerate()
    s = struct.unpack(f"<{len(raw) // 2}h", raw)
    if ch > 1:
        s = s[::ch]
    return rate, list(s)


def tone_report(path, skip_s=0.5):
    """Dominant frequency (zero crossings over the loud part), RMS amplitude and
    duration of the loud part of a recording, plus sox's own rough frequency
    estimate (`sox FILE -n stat`)."""
    rate, s = read_wav(path)
    loud_thr = 1000
    # the part where the signal is present: 20 ms frames with RMS over the threshold
    frame = rate // 50
    loud = []
    for i in range(0, len(s) - frame, frame):
        f = s[i:i + frame]
        rms = math.sqrt(sum(x * x for x in f) / frame)
        if rms >= loud_thr:
            loud.extend(f)
    skip = int(skip_s * rate)
    body = loud[skip:] if len(loud) > 2 * skip else loud
    if len(body) < rate // 5:
        return {"freq": 0.0, "rms": 0.0, "seconds": len(loud) / rate, "total_s": len(s) / rate,
                "sox_freq": None}
    zc = sum(1 for a, b in zip(body, body[1:]) if (a < 0) != (b < 0))
    freq = zc / 2 / (len(body) / rate)
    rms = math.sqrt(sum(x * x for x in body) / len(body))
    sox_freq = None
    r = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, timeout=30)
    for line in r.stderr.splitlines():
        if line.startswith("Rough   frequency:"):
            sox_freq = float(line.split(":")[1])
    return {"freq": freq, "rms": rms, "seconds": len(loud) / rate, "total_s": len(s) / rate,
            "sox_freq": sox_freq}


def _netstring(data):
    b = data.encode()
    return str(len(b)).encode() + b":" + b + b","


class Baresip:
    def __init__(self, bg, tmp, name, *, user, sip_port, ctrl_port, rtp_lo, tone=None,
                 mediaenc=None, tls=None, answer="auto", extra_acc=""):
        """tls: (pem with certificate and key, CA file) or None."""
        self.bg = bg
        self.name = name
        self.user = user
        self.dir = Path(tmp) / f"baresip-{name}"
        self.rec = self.dir / "rec"
        self.rec.mkdir(parents=True, exist_ok=True)
        self.sip_port = sip_port
        self.tls_port = sip_port + 1
        self.ctrl_port = ctrl_port
        self.proc = None
        self.sock = None
        self.events = []
        self.responses = []
        self._cv = threading.Condition()
        self._reader = None
        cfg = [
            "poll_method\t\tepoll",
            f"net_interface\t\t{LOCAL}",
            f"sip_listen\t\t{LOCAL}:{sip_port}",
            "call_local_timeout\t30",
            "call_max_calls\t\t4",
            f"audio_player\t\taubridge,{name}-play",
            f"audio_source\t\taufile,{tone}" if tone else f"audio_source\t\taubridge,{name}-src",
            f"audio_alert\t\taubridge,{name}-alert",
            "audio_level\t\tno",
            "ausrc_format\t\ts16",
            "auplay_format\t\ts16",
            "auenc_format\t\ts16",
            "audec_format\t\ts16",
            "audio_buffer\t\t20-160",
            f"rtp_ports\t\t{rtp_lo}-{rtp_lo + 9}",
            "rtcp_mux\t\tno",
            "jitter_buffer_delay\t1-10",
            "rtp_stats\t\tno",
            f"module_path\t\t{MODULES}",
            "module\t\t\tg711.so",
            "module\t\t\tsndfile.so",
            "module\t\t\taufile.so",
            "module\t\t\taubridge.so",
            "module\t\t\tsrtp.so",
            "module_tmp\t\tuuid.so",
            "module_tmp\t\taccount.so",
            "module_app\t\tmenu.so",
            "module_app\t\tctrl_tcp.so",
            f"ctrl_tcp_listen\t\t{LOCAL}:{ctrl_port}",
            f"snd_path\t\t{self.rec}",
        ]
        if tls:
            cfg += [f"sip_certificate\t\t{tls[0]}", f"sip_cafile\t\t{tls[1]}"]
        (self.dir / "config").write_text("\n".join(cfg) + "\n")
        acc = f"<sip:{user}@{LOCAL}>;regint=0;answermode={answer}"
        if mediaenc:
            acc += f";mediaenc={mediaenc}"
        acc += extra_acc
        (self.dir / "accounts").write_text(acc + "\n")
        (self.dir / "contacts").write_text("")

    # -- process ---------------------------------------------------------

    def start(self, timeout=10):
        self.proc = self.bg.start(f"baresip-{self.name}", ["baresip", "-f", self.dir, "-v"], cwd=self.dir)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"baresip {self.name} exited {self.proc.returncode}:\n{self.log()}")
            try:
                self.sock = socket.create_connection((LOCAL, self.ctrl_port), timeout=0.5)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError(f"baresip {self.name}: no ctrl_tcp on {self.ctrl_port}:\n{self.log()}")
        self.sock.settimeout(None)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def log(self):
        return self.bg.log(self.proc)[-6000:] if self.proc else ""

    def stop(self):
        if self.sock:
            try:
                self.command("quit")
            except OSError:
                pass
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
            self.sock.close()
            self.sock = None
        if self.proc:
            self.bg.stop(self.proc)

    # -- ctrl_tcp ----------------------------------------------------------

    def _read(self):
        buf = b""
        sock = self.sock
        while True:
            try:
                d = sock.recv(65536)
            except OSError:
                break
            if not d:
                break
            buf += d
            while b":" in buf:
                n, rest = buf.split(b":", 1)
                if not n.isdigit():
                    buf = b""
                    break
                n = int(n)
                if len(rest) < n + 1:
                    break
                msg, buf = rest[:n], rest[n + 1:]
                try:
                    j = json.loads(msg.decode(errors="replace"))
                except ValueError:
                    continue
                with self._cv:
                    if j.get("event"):
                        self.events.append(j)
                    else:
                        self.responses.append(j)
                    self._cv.notify_all()

    def command(self, cmd, params=None):
        j = {"command": cmd, "token": f"t{time.monotonic_ns()}"}
        if params is not None:
            j["params"] = params
        self.sock.sendall(_netstring(json.dumps(j)))

    def dial(self, uri):
        self.command("dial", uri)

    def hangup(self):
        self.command("hangup")

    def wait_event(self, *types, timeout=10.0):
        """The first event (dict) of one of these types (e.g. CALL_ESTABLISHED), or None."""
        end = time.monotonic() + timeout
        with self._cv:
            while True:
                for e in self.events:
                    if e.get("type") in types:
                        return e
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self._cv.wait(left)

    def event_types(self):
        with self._cv:
            return [e.get("type") for e in self.events]

    def recording(self):
        """The WAV of decoded received audio of the (last) call (sndfile), or None."""
        files = sorted(self.rec.glob("dump-*-dec.wav"), key=lambda p: p.stat().st_mtime)
        return files[-1] if files else None


# ---------------------------------------------------------------------------
# packet capture on lo (tcpdump) and a small pcap reader


class Capture:
    """tcpdump -i lo of UDP packets with a port in [lo, hi] into a pcap file."""

    def __init__(self, bg, tmp, lo, hi, name="capture"):
        self.bg = bg
        self.file = Path(tmp) / f"{name}.pcap"
        self.proc = bg.start(name, ["tcpdump", "-i", "lo", "-n", "-U", "-s", "2048", "-w", self.file,
                                    f"udp and portrange {lo}-{hi}"])
        end = time.monotonic() + 10
        while time.monotonic() < end:
            if "listening on" in bg.log(self.proc):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"tcpdump did not start:\n{bg.log(self.proc)}")

    def stop(self):
        time.sleep(0.3)
        self.bg.stop(self.proc)

    def udp(self):
        """[(src_port, dst_port, payload bytes)] of the IPv4 UDP packets captured."""
        data = self.file.read_bytes() if self.file.exists() else b""
        if len(data) < 24:
            return []
        magic = struct.unpack("<I", data[:4])[0]
        end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        linktype = struct.unpack(end + "I", data[20:24])[0]
        off = 24
        out = []
        while off + 16 <= len(data):
            _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
            pkt = data[off + 16:off + 16 + incl]
            off += 16 + incl
            if linktype == 1:        # Ethernet (lo on Linux)
                if len(pkt) < 14 or pkt[12:14] != b"\x08\x00":
                    continue
                ip = pkt[14:]
            elif linktype == 113:    # Linux cooked
                ip = pkt[16:]
            else:
                ip = pkt
            if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 15) * 4
            sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
            out.append((sport, dport, ip[ihl + 8:ihl + ulen]))
        return out


def rtp_payload(pkt):
    """(payload type, payload after the RTP header incl. any SRTP tag) or None."""
    if len(pkt) < 12 or pkt[0] >> 6 != 2:
        return None
    cc = pkt[0] & 15
    hl = 12 + 4 * cc
    if pkt[0] & 0x10:
        if len(pkt) < hl + 4:
            return None
        hl += 4 + 4 * struct.unpack("!H", pkt[hl + 2:hl + 4])[0]
    return pkt[1] & 0x7f, pkt[hl:]


def looks_plain_g711_tone(payload):
    """A 20 ms G.711 frame of a steady tone uses few distinct byte values (a sine
    repeats); SRTP ciphertext looks random (about 119 distinct values in 160 bytes)."""
    return len(set(payload[:160])) < 60


def looks_encrypted(payload):
    return len(set(payload[:160])) > 85
