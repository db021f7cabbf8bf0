"""The LocalStack port forwarder carries bytes both ways and ends with the process it was told to
follow, so a LocalStack killed from outside never leaves a forwarder holding the host port (issue 15's
CI saw one, started by an earlier test, still running 18 minutes later)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import awslab.backends.portforward as portforward

FORWARDER = Path(portforward.__file__)


def _listener() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def _start(listener: socket.socket, to: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-I", str(FORWARDER), "--listen-fd", str(listener.fileno()),
                             "--to", f"127.0.0.1:{to}", *extra], pass_fds=(listener.fileno(),),
                            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)


def test_forwarder_carries_bytes_both_ways():
    upstream, front = _listener(), _listener()

    def echo():
        conn, _ = upstream.accept()
        with conn:
            conn.sendall(conn.recv(100).upper())

    threading.Thread(target=echo, daemon=True).start()
    forwarder = _start(front, upstream.getsockname()[1])
    try:
        assert forwarder.stdout.readline().strip() == b"FORWARDING"
        with socket.create_connection(front.getsockname(), timeout=10) as client:
            client.sendall(b"hello")
            assert client.recv(100) == b"HELLO"
    finally:
        forwarder.kill()
        forwarder.wait()


def test_forwarder_ends_when_the_followed_process_ends():
    followed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    forwarder = _start(_listener(), 9, "--exit-with", str(followed.pid))
    try:
        assert forwarder.stdout.readline().strip() == b"FORWARDING"
        time.sleep(0.2)
        assert forwarder.poll() is None  # still forwarding while the followed process lives
        followed.kill()
        followed.wait()
        assert forwarder.wait(timeout=10) == 0
    finally:
        followed.kill()
        forwarder.kill()


def test_forwarder_told_to_follow_a_process_already_gone_ends_at_once():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    forwarder = _start(_listener(), 9, "--exit-with", str(gone.pid))
    assert forwarder.wait(timeout=10) == 0
