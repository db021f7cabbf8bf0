"""A TCP forwarder from a listening socket it inherits to a port in its own network namespace.

Host-mode LocalStack runs inside `unshare --net` (only a loopback interface exists there), so
DynamoDB Local, which listens on every interface, is reachable from nowhere. awslab binds
127.0.0.1:PORT in the host's namespace, then runs this module under `nsenter --net` with that
socket as file descriptor N: it accepts on the host side and connects to LocalStack inside.

    python -m awslab.backends.portforward --listen-fd 3 --to 127.0.0.1:4566

Standard library only; one thread per direction per connection.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen-fd", type=int, required=True)
    parser.add_argument("--to", required=True, help="HOST:PORT to connect to")
    args = parser.parse_args()
    host, _, port = args.to.rpartition(":")
    listener = socket.socket(fileno=args.listen_fd)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("FORWARDING", flush=True)
    serve(listener, host, int(port))


if __name__ == "__main__":
    main()
