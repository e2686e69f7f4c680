#!/usr/bin/env python3
"""One call through running Babelcall services, with nothing but the Python standard library.

    python3 deploy/tools/call_through.py call --api http://127.0.0.1:8080 --speech speech.pcm [--hold-file F]
    python3 deploy/tools/call_through.py hold --hold-file F

Creates a room, joins a speaker (en) and a listener (es, dubbing) through the api, opens both signaling sockets at
the URL the api hands out (one with ?access_token=, one with the "bearer" subprotocol), relays an offer and an
answer between them, streams the speech (16 kHz mono PCM16) to the orchestrator's /ws/audio at real time, and waits
for the Spanish translation (and the dub, whose WAV it downloads) on the listener's signaling socket.
Prints one line per step; exit 0 when every step passed. With --hold-file, writes the listener's token and signaling
URL there.

`hold` reopens the listener's signaling socket from that file, prints "open", and when the server closes it prints
"closed CODE" (deploy/image-test.sh stops the signaling container meanwhile: a graceful shutdown closes with 1012).
"""
import argparse
import base64
import hashlib
import json
import os
import queue
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocket:
    """A minimal RFC 6455 client: text/binary frames out (masked), frames in on a reader thread."""

    def __init__(self, url, headers=None, subprotocols=None, timeout=10):
        u = urllib.parse.urlsplit(url)
        port = u.port or (443 if u.scheme == "wss" else 80)
        if u.scheme != "ws":
            raise ValueError(f"only ws:// is supported here, got {u.scheme}://")
        self.sock = socket.create_connection((u.hostname, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = u.path + (f"?{u.query}" if u.query else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: {u.hostname}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if subprotocols:
            lines.append("Sec-WebSocket-Protocol: " + ", ".join(subprotocols))
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError(f"{url}: connection closed during the handshake")
            buf += chunk
        head, self.buf = buf.split(b"\r\n\r\n", 1)
        status, *header_lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in status + " ":
            raise ConnectionError(f"{u.path}: handshake refused: {status}")
        got = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
        want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if got.get("sec-websocket-accept") != want:
            raise ConnectionError(f"{u.path}: bad Sec-WebSocket-Accept")
        self.protocol = got.get("sec-websocket-protocol")
        self.sock.settimeout(None)
        self.inbox = queue.Queue()
        self.lock = threading.Lock()
        self.close_code = None
        threading.Thread(target=self._read_loop, daemon=True).start()

    def _read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_loop(self):
        message, message_op = b"", None
        try:
            while True:
                b0, b1 = self._read_exact(2)
                op, length = b0 & 0x0F, b1 & 0x7F
                if length == 126:
                    length = struct.unpack(">H", self._read_exact(2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", self._read_exact(8))[0]
                payload = self._read_exact(length)
                if op == 0x9:
                    self._send(0xA, payload)
                elif op == 0x8:
                    self.close_code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                    self.inbox.put(("close", self.close_code))
                    try:
                        self._send(0x8, payload[:2])
                    except OSError:
                        pass
                    return
                elif op in (0x1, 0x2, 0x0):
                    if op != 0x0:
                        message_op = op
                    message += payload
                    if b0 & 0x80:
                        self.inbox.put(("text" if message_op == 0x1 else "binary", message))
                        message = b""
        except (ConnectionError, OSError):
            self.inbox.put(("close", self.close_code or 1006))

    def _send(self, op, payload):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | op]) + (bytes([0x80 | n]) if n < 126 else
                                     bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                     bytes([0x80 | 127]) + struct.pack(">Q", n))
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        with self.lock:
            self.sock.sendall(head + mask + body)

    def send_json(self, obj):
        self._send(0x1, json.dumps(obj).encode())

    def send_binary(self, data):
        self._send(0x2, data)

    def next(self, timeout):
        """The next message as ("text", dict) / ("binary", bytes) / ("close", code), or None on time-out."""
        try:
            kind, data = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None
        return (kind, json.loads(data)) if kind == "text" else (kind, data)

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        seen = []
        while (left := deadline - time.monotonic()) > 0:
            msg = self.next(left)
            if msg is None:
                break
            if msg[0] == "close":
                raise AssertionError(f"{what}: socket closed ({msg[1]}) first; seen {seen}")
            if msg[0] == "text":
                seen.append(msg[1].get("type"))
                if predicate(msg[1]):
                    return msg[1]
        raise AssertionError(f"{what}: not within {timeout} s; seen {seen}")

    def close(self):
        try:
            self._send(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()


def http(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, resp.headers.get("Content-Type", ""), raw
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def step(text):
    print(f"  ok    {text}", flush=True)


def hold(args):
    with open(args.hold_file) as f:
        held = json.load(f)
    ws = WebSocket(held["signalingUrl"], subprotocols=["bearer", held["token"]])
    ws.wait_for(lambda m: m["type"] == "welcome", 15, "welcome")
    print("open", flush=True)
    while (msg := ws.next(args.timeout)) is not None:
        if msg[0] == "close":
            print(f"closed {msg[1]}", flush=True)
            return
    raise AssertionError(f"the server did not close the socket within {args.timeout} s")


def call(args):
    api = args.api.rstrip("/")

    status, _, raw = http("POST", f"{api}/api/v1/rooms", {"name": "image test"})
    assert status == 201, f"create room: HTTP {status} {raw[:200]!r}"
    room = json.loads(raw)["roomId"]
    step(f"room created ({room[:6]}...)")

    joins = {}
    for who, spoken, caption, dub in (("Ana", "en", "en", False), ("Bea", "es", "es", True)):
        status, _, raw = http("POST", f"{api}/api/v1/rooms/{room}/participants",
                              {"displayName": who, "spokenLanguage": spoken, "captionLanguage": caption,
                               "dubbing": dub})
        assert status == 201, f"join {who}: HTTP {status} {raw[:200]!r}"
        joins[who] = json.loads(raw)
    ana, bea = joins["Ana"], joins["Bea"]
    step(f"Ana (en) and Bea (es, dubbing) joined; signaling {ana['signalingUrl']}, audio {ana['audioUrl']}")
    if args.hold_file:
        with open(args.hold_file, "w") as f:
            json.dump({"token": bea["token"], "signalingUrl": bea["signalingUrl"], "room": room}, f)

    bea_ws = WebSocket(bea["signalingUrl"], subprotocols=["bearer", bea["token"]])
    assert bea_ws.protocol == "bearer", f"signaling answered subprotocol {bea_ws.protocol!r}, expected 'bearer'"
    bea_ws.wait_for(lambda m: m["type"] == "welcome", 15, "Bea's welcome")
    sep = "&" if "?" in ana["signalingUrl"] else "?"
    ana_ws = WebSocket(f"{ana['signalingUrl']}{sep}access_token={urllib.parse.quote(ana['token'])}")
    welcome = ana_ws.wait_for(lambda m: m["type"] == "welcome", 15, "Ana's welcome")
    assert any(p["participantId"] == bea["participantId"] for p in welcome.get("peers", [])), \
        f"Ana's welcome does not list Bea: {welcome}"
    bea_ws.wait_for(lambda m: m["type"] == "peer-joined" and m["peer"]["participantId"] == ana["participantId"],
                    15, "peer-joined(Ana) on Bea's socket")
    step("both signaling sockets open (access_token and bearer subprotocol): welcome, peer-joined")

    ana_ws.send_json({"type": "offer", "to": bea["participantId"], "sdp": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"})
    offer = bea_ws.wait_for(lambda m: m["type"] == "offer", 15, "offer relayed to Bea")
    assert offer["from"] == ana["participantId"], f"offer from {offer.get('from')}"
    bea_ws.send_json({"type": "answer", "to": ana["participantId"], "sdp": "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n"})
    answer = ana_ws.wait_for(lambda m: m["type"] == "answer", 15, "answer relayed to Ana")
    assert answer["from"] == bea["participantId"], f"answer from {answer.get('from')}"
    ana_ws.send_json({"type": "ping", "ts": 42})
    ana_ws.wait_for(lambda m: m["type"] == "pong" and m.get("ts") == 42, 15, "pong")
    step("offer/answer relayed between them, ping/pong")

    audio = WebSocket(ana["audioUrl"], headers={"Authorization": f"Bearer {ana['token']}"})
    audio.wait_for(lambda m: m["type"] == "ready", 15, "audio socket ready")
    audio.send_json({"type": "start", "sampleRate": 16000, "encoding": "pcm16"})
    with open(args.speech, "rb") as f:
        pcm = f.read()
    frame = 640  # 20 ms at 16 kHz, 16-bit
    t0 = time.monotonic()
    for i, off in enumerate(range(0, len(pcm) - len(pcm) % 2, frame)):
        chunk = pcm[off:off + frame]
        if len(chunk) < 320:  # the server refuses frames under 10 ms
            break
        audio.send_binary(chunk)
        time.sleep(max(0.0, t0 + (i + 1) * 0.02 - time.monotonic()))  # real time
    audio.send_json({"type": "stop"})
    sent_at = time.monotonic()
    step(f"{len(pcm) / 32000:.1f} s of speech streamed to the orchestrator at real time")

    translation = bea_ws.wait_for(lambda m: m["type"] == "translation" and m.get("final") and m["language"] == "es"
                                  and m.get("text", "").strip(), args.timeout, "final Spanish translation")
    step(f"translation on Bea's signaling socket {time.monotonic() - sent_at:.1f} s after the audio ended: "
         f"\"{translation['text']}\"")
    dub = bea_ws.wait_for(lambda m: m["type"] == "dub" and m["language"] == "es", args.timeout, "Spanish dub")
    status, ctype, wav = http("GET", urllib.parse.urljoin(bea["orchestratorUrl"] + "/", dub["url"].lstrip("/")),
                              token=bea["token"])
    assert status == 200 and wav[:4] == b"RIFF", f"dub audio: HTTP {status} {ctype} {wav[:16]!r}"
    step(f"dub announced and downloaded ({len(wav)} bytes of WAV, {dub.get('durationMs')} ms)")

    audio.close()
    ana_ws.send_json({"type": "leave"})
    ana_ws.close()
    bea_ws.close()
    print("call: all steps passed", flush=True)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("call")
    c.add_argument("--api", required=True, help="api-service base URL, e.g. http://127.0.0.1:8080")
    c.add_argument("--speech", required=True, help="16 kHz mono PCM16 little-endian, raw")
    c.add_argument("--timeout", type=float, default=60, help="seconds to wait for the translation")
    c.add_argument("--hold-file", help="write the listener's token and signaling URL here (JSON)")
    h = sub.add_parser("hold")
    h.add_argument("--hold-file", required=True)
    h.add_argument("--timeout", type=float, default=120, help="seconds to wait for the server to close")
    args = ap.parse_args()
    (call if args.mode == "call" else hold)(args)


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, ConnectionError, OSError, KeyError, ValueError) as e:
        print(f"  FAIL  {e}", flush=True)
        sys.exit(1)
