"""A Task Engine client, written as the Task Engine's own clients were: pyzmq, JSON frames, META first.

    task_engine_client.py ENDPOINT [--dealer] [--curve SERVER_PUBLIC CLIENT_PUBLIC CLIENT_SECRET] [--timeout-ms N]
        reads requests from stdin, one per line: a JSON list of frames, each a string sent as it is
        (so malformed JSON can be sent too); prints each answer as a JSON list of the frames received,
        or {"timeout": true} when none came in time (the socket is then made again).

    task_engine_client.py ENDPOINT --concurrent CLIENTS CALLS
        CLIENTS DEALER sockets, each with CALLS task_get_count calls in flight at once, args unique to
        the call; checks that every answer is the sum of its own call's args, prints {"ok": N, "seconds": S}.
"""
import json
import sys
import time

import zmq


def meta(pack):
    return json.dumps({"type": "REQ", "version": 0.1, "role": "requestor", "id": "CLIENT", "pack": pack})


def make_socket(ctx, endpoint, kind, curve, timeout_ms):
    s = ctx.socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.RCVTIMEO, timeout_ms)
    if curve:
        server_public, client_public, client_secret = curve
        s.curve_serverkey = server_public.encode()
        s.curve_publickey = client_public.encode()
        s.curve_secretkey = client_secret.encode()
    s.connect(endpoint)
    return s


def requests(endpoint, dealer, curve, timeout_ms):
    ctx = zmq.Context()
    kind = zmq.DEALER if dealer else zmq.REQ
    s = make_socket(ctx, endpoint, kind, curve, timeout_ms)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        frames = [f.encode() for f in json.loads(line)]
        if dealer:
            frames = [b""] + frames
        s.send_multipart(frames)
        try:
            answer = s.recv_multipart()
            if dealer:
                answer = answer[1:]
            print(json.dumps([f.decode() for f in answer]), flush=True)
        except zmq.Again:
            print(json.dumps({"timeout": True}), flush=True)
            s.close()
            s = make_socket(ctx, endpoint, kind, curve, timeout_ms)
    s.close()
    ctx.term()


def concurrent(endpoint, clients, calls):
    ctx = zmq.Context()
    sockets = [make_socket(ctx, endpoint, zmq.DEALER, None, 60000) for _ in range(clients)]
    pack = time.time()
    expected = {}
    start = time.time()
    for c, s in enumerate(sockets):
        for i in range(calls):
            args = [c, i, 1000000]
            # The call's own id rides in the envelope's first frame, so each answer is matched to its call.
            tag = ("%d-%d" % (c, i)).encode()
            expected[(c, tag)] = sum(args)
            s.send_multipart([tag, b"", meta(pack).encode(), json.dumps({"task": "task_get_count", "args": args, "kwargs": {}, "pack": pack}).encode()])
    poller = zmq.Poller()
    for s in sockets:
        poller.register(s, zmq.POLLIN)
    ok = 0
    deadline = time.time() + 120
    while expected and time.time() < deadline:
        for s, _ in poller.poll(1000):
            c = sockets.index(s)
            frames = s.recv_multipart()
            tag, data = frames[0], json.loads(frames[-1])["data"]
            want = expected.pop((c, tag), None)
            if want is None or data != want:
                print(json.dumps({"wrong": [c, tag.decode(), data, want]}), flush=True)
                sys.exit(1)
            ok += 1
    print(json.dumps({"ok": ok, "missing": len(expected), "seconds": time.time() - start}), flush=True)
    for s in sockets:
        s.close()
    ctx.term()


def main(argv):
    endpoint = argv[1]
    if "--concurrent" in argv:
        i = argv.index("--concurrent")
        concurrent(endpoint, int(argv[i + 1]), int(argv[i + 2]))
        return
    curve = None
    if "--curve" in argv:
        i = argv.index("--curve")
        curve = argv[i + 1:i + 4]
    timeout_ms = 20000
    if "--timeout-ms" in argv:
        timeout_ms = int(argv[argv.index("--timeout-ms") + 1])
    requests(endpoint, "--dealer" in argv, curve, timeout_ms)


if __name__ == "__main__":
    main(sys.argv)
