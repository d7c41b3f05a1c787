"""A client of TEF's TCP event-bus bridge, written from Vert.x's bridge protocol alone
(a 4-byte big-endian length, then a UTF-8 JSON frame), with nothing but Python's standard library.

  tef_bridge.py submit HOST PORT KEY GUID     submits an echo task, prints its completion event
  tef_bridge.py worker HOST PORT KEY NAME TYPE  registers a worker, runs one task, reports it
Exit 0 on success; anything unexpected is printed and exits 1.
"""
import json
import socket
import struct
import sys
import threading
import time
import uuid


class Bridge:
    def __init__(self, host, port, key):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.key = key
        self.buf = b""

    def write(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def read(self):
        while len(self.buf) < 4 or len(self.buf) < 4 + struct.unpack(">I", self.buf[:4])[0]:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the bridge closed the connection")
            self.buf += chunk
        length = struct.unpack(">I", self.buf[:4])[0]
        frame, self.buf = self.buf[4:4 + length], self.buf[4 + length:]
        return json.loads(frame.decode("utf-8"))

    def headers(self):
        return {"api-key": self.key} if self.key else {}

    def register(self, address):
        self.write({"type": "register", "address": address, "headers": self.headers()})

    def request(self, address, body):
        """Sends a request; returns the reply address to wait for."""
        reply = "py-" + uuid.uuid4().hex
        self.write({"type": "send", "address": address, "body": body, "headers": self.headers(), "replyAddress": reply})
        return reply

    def send(self, address, body):
        self.write({"type": "send", "address": address, "body": body, "headers": self.headers()})

    def until(self, predicate, what):
        while True:
            frame = self.read()
            if frame.get("type") == "err" and "failureCode" not in frame:
                raise RuntimeError("the bridge refused a frame while waiting for %s: %s" % (what, frame))
            if predicate(frame):
                return frame


def reply_to(address):
    return lambda f: f.get("address") == address


def submit(host, port, key, guid):
    b = Bridge(host, port, key)
    b.register("tef.events.tasks")
    answer = b.until(reply_to(b.request("tef.tasks.submit", {"task_type": "echo", "guid": guid, "task_data": {"from": "python"}})), "the submit answer")
    if answer.get("type") != "message" or answer["body"]["task"]["guid"] != guid:
        raise RuntimeError("submit refused: %s" % answer)
    print("submitted", guid, "created" if answer["body"]["created"] else "existed")
    done = b.until(lambda f: f.get("address") == "tef.events.tasks" and f["body"].get("guid") == guid
                   and f["body"].get("state") in ("completed", "failed", "cancelled"), "the completion event")
    print("event", json.dumps(done["body"], sort_keys=True))


def worker(host, port, key, name, task_type):
    b = Bridge(host, port, key)
    b.register("tef.worker." + name)
    instance = uuid.uuid4().hex
    answer = b.until(reply_to(b.request("tef.registry.register", {"name": name, "instance": instance, "task_types": [task_type],
                                                                    "ping_interval_ms": 1000})), "the registration")
    if answer.get("type") != "message":
        raise RuntimeError("registration refused: %s" % answer)
    print("registered", name, flush=True)
    stop = threading.Event()

    def heartbeat():
        beat = Bridge(host, port, key)
        while not stop.is_set():
            beat.send("tef.collective.status", {"name": name, "instance": instance, "status": "idle"})
            stop.wait(0.3)

    threading.Thread(target=heartbeat, daemon=True).start()
    dispatch = b.until(lambda f: f.get("address") == "tef.worker." + name and f.get("replyAddress"), "a dispatch")
    body = dispatch["body"]
    task, attempt, token = body["task"], body["attempt"], body["attempt_token"]
    b.write({"type": "send", "address": dispatch["replyAddress"], "body": {"taken": True}})  # taking it is starting it
    result = {"by": "python", "echo": task.get("task_data")}
    report = {"guid": task["guid"], "attempt": attempt, "attempt_token": token, "worker": name, "event": "completed", "result": result}
    answer = b.until(reply_to(b.request("tef.tasks.report", report)), "the report's answer")
    if answer.get("type") != "message":
        raise RuntimeError("report refused: %s" % answer)
    print("reported", task["guid"], json.dumps(answer["body"]), flush=True)
    b.send("tef.collective.status", {"name": name, "instance": instance, "status": "offline"})
    stop.set()
    time.sleep(0.2)


if __name__ == "__main__":
    try:
        mode, host, port, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
        if mode == "submit":
            submit(host, port, key, sys.argv[5])
        elif mode == "worker":
            worker(host, port, key, sys.argv[5], sys.argv[6])
        else:
            raise SystemExit("unknown mode " + mode)
    except Exception as e:  # any failure is the test's to report
        print("FAILED: %r" % e, flush=True)
        sys.exit(1)
