"""A TCP forwarder from a listening socket it inherits to a port in its own network namespace.

Host-mode LocalStack runs inside `unshare --net` (only a loopback interface exists there), so
DynamoDB Local, which listens on every interface, is reachable from nowhere. awslab binds
127.0.0.1:PORT in the host's namespace, then runs this module under `nsenter --net` with that
socket as file descriptor N: it accepts on the host side and connects to LocalStack inside.

    python -m awslab.backends.portforward --listen-fd 3 --to 127.0.0.1:4566 --exit-with PID

`--exit-with PID`: the forwarder ends when that process (LocalStack's launcher) ends, however it
ends: awslab stops both by PID, but a LocalStack killed from outside, or a start interrupted between
the two launches, must not leave a forwarder holding the host port. Watched through a pidfd, so a
reused PID is never mistaken for the launcher.

Standard library only; one thread per direction per connection.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import socket
import sys
import threading


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock, how in ((target, socket.SHUT_WR), (source, socket.SHUT_RD)):
            try:
                sock.shutdown(how)
            except OSError:
                pass


def _serve_connection(client: socket.socket, host: str, port: int) -> None:
    try:
        upstream = socket.create_connection((host, port), timeout=10)
    except OSError:
        client.close()
        return
    upstream.settimeout(None)
    for sock in (client, upstream):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    back = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
    back.start()
    _pipe(client, upstream)
    back.join()
    client.close()
    upstream.close()


def serve(listener: socket.socket, host: str, port: int) -> None:
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_serve_connection, args=(client, host, port), daemon=True).start()


def exit_with(pid: int) -> None:
    """End this process when `pid` ends (a daemon thread waits on the process's pidfd)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(0)

    def wait() -> None:
        select.select([pidfd], [], [])  # readable once the process has ended
        os._exit(0)

    threading.Thread(target=wait, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen-fd", type=int, required=True)
    parser.add_argument("--to", required=True, help="HOST:PORT to connect to")
    parser.add_argument("--exit-with", type=int, help="end when this process ends")
    args = parser.parse_args()
    if args.exit_with:
        exit_with(args.exit_with)
    host, _, port = args.to.rpartition(":")
    listener = socket.socket(fileno=args.listen_fd)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("FORWARDING", flush=True)
    serve(listener, host, int(port))


if __name__ == "__main__":
    main()
