"""Entry point of the moto-server backend: moto's server app on loopback, following awslab's clock.

POST /_awslab/clock {"now": ISO-8601} makes this process travel to that instant, where time stands still until the next one.
POST /_awslab/s3/storage-class {"bucket", "key", "version_id", "storage_class"} changes one version's
storage class in place, as an S3 lifecycle transition does.
POST /_awslab/moto-state/<edit> {arguments} runs one of moto_state.py's edits, answering {"result": ...}.
Prints "PORT <n>" once listening.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys

import time_machine
from werkzeug.serving import make_server

from .moto_embedded import EmbeddedMotoBackend, moto_app, set_moto_storage_class
from .moto_state import EDITS

_travel: dict = {}
_STATE_ROUTE = "/_awslab/moto-state/"


def with_clock_control(app):
    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") == "/_awslab/clock" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            now = dt.datetime.fromisoformat(json.loads(environ["wsgi.input"].read(length))["now"])
            if "coordinates" in _travel:
                _travel["coordinates"].move_to(now)
            else:
                _travel["traveller"] = time_machine.travel(now, tick=False)
                _travel["coordinates"] = _travel["traveller"].start()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        if environ.get("PATH_INFO") == "/_awslab/s3/storage-class" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            order = json.loads(environ["wsgi.input"].read(length))
            try:
                set_moto_storage_class(EmbeddedMotoBackend.account_id, order["bucket"], order["key"],
                                       order["version_id"], order["storage_class"])
            except Exception as exc:  # noqa: BLE001 - reported to the caller, the server goes on
                start_response("404 Not Found", [("Content-Type", "application/json")])
                return [json.dumps({"error": str(exc)}).encode()]
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        if environ.get("PATH_INFO", "").startswith(_STATE_ROUTE) and environ["REQUEST_METHOD"] == "POST":
            edit = EDITS.get(environ["PATH_INFO"][len(_STATE_ROUTE):])
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                if edit is None:
                    raise KeyError(f"no edit {environ['PATH_INFO']!r}")
                result = edit(**json.loads(environ["wsgi.input"].read(length)))
            except Exception as exc:  # noqa: BLE001 - reported to the caller, the server goes on
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()]
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"result": result}).encode()]
        return app(environ, start_response)

    return wrapped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost"):
        sys.exit("awslab's moto server listens on loopback only")
    from ..gateway.server import _QuietHandler

    server = make_server(args.host, args.port, with_clock_control(moto_app()), threaded=True,
                         request_handler=_QuietHandler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
