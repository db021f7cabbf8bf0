"""`awslab serve`: the learner-facing endpoint on its own, for any client (AWS CLI, another SDK, a test suite).

    client ──HTTP──▶ ServedEndpoint ──▶ /_awslab/control/... (token only) or the Gateway (every behaviour)

The gateway refuses the emulators' control routes; this app adds awslab's own, reachable only with
the random token printed at start (header `X-Awslab-Token`, or `Authorization: Bearer TOKEN`):

    GET  /_awslab/control/clock                 {"now": ISO, "elapsed_seconds": n}
    POST /_awslab/control/clock/advance         {"seconds"|"minutes"|"hours"|"days": n}
    POST /_awslab/control/clock/set             {"time": ISO}  (forward only: AWS time only goes on)
    POST /_awslab/control/reset                 a fresh account (LocalAWS.reset)
    GET  /_awslab/control/log                   the request log, as JSON

With `moto_api_reset`, moto's own `POST /moto-api/reset` (what moto's test suite sends before each
test in server mode) resets the whole LocalAWS too, without a token: for running moto's tests only.
moto's `POST /moto-api/reset-auth` (its auth decorator in server mode, which answers the previous
count as JSON) then reaches the emulator as it does on plain moto_server.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any

from .gateway.wire import Response, request_from_environ
from .local_aws import LocalAWS

CONTROL_PREFIX = "/_awslab/control/"
TOKEN_HEADER = "x-awslab-token"
MOTO_API_ROUTES = ("/moto-api/reset", "/moto-api/reset-auth")


class ControlError(ValueError):
    """A control request the endpoint refuses (400)."""


class ServedEndpoint:
    """A WSGI app: awslab's control routes in front of a started LocalAWS's gateway."""

    def __init__(self, aws: LocalAWS, *, token: str | None = None, moto_api_reset: bool = False) -> None:
        self.aws = aws
        self.token = token or secrets.token_urlsafe(24)
        self.moto_api_reset = moto_api_reset

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX) or (self.moto_api_reset and path in MOTO_API_ROUTES):
            response = self._control(environ)
            start_response(f"{response.status} {'OK' if response.status < 400 else 'Error'}",
                           [(k, v) for k, v in response.headers] + [("Content-Length", str(len(response.body)))])
            return [response.body]
        return self.aws.gateway(environ, start_response)

    # -- control ---------------------------------------------------------------------------------
    def _control(self, environ: dict) -> Response:
        http = request_from_environ(environ)
        if http.path == "/moto-api/reset":
            if http.method != "POST":
                return _json(405, {"error": "POST /moto-api/reset"})
            self.aws.reset()
            return _json(200, {"status": "ok"})
        if http.path == "/moto-api/reset-auth":
            return self.aws.gateway.upstream.send(http)
        if not self._authorised(http.headers):
            return _json(403, {"error": "awslab control routes need the token `awslab serve` printed "
                                        "(header X-Awslab-Token)"})
        route = (http.method, http.path[len(CONTROL_PREFIX):].rstrip("/"))
        try:
            body = json.loads(http.body or b"{}")
            if not isinstance(body, dict):
                raise ControlError("the body is a JSON object")
            if route == ("GET", "clock"):
                return _json(200, self._clock())
            if route == ("POST", "clock/advance"):
                self._advance(body)
                return _json(200, self._clock())
            if route == ("POST", "clock/set"):
                self._set(body)
                return _json(200, self._clock())
            if route == ("POST", "reset"):
                self.aws.reset()
                return _json(200, self._clock())
            if route == ("GET", "log"):
                return _json(200, {"calls": [_logged(call) for call in self.aws.log]})
        except (ValueError, TypeError) as exc:  # json errors are ValueErrors
            return _json(400, {"error": str(exc)})
        return _json(404, {"error": f"no control route {http.method} {http.path}"})

    def _authorised(self, headers: dict[str, str]) -> bool:
        given = headers.get(TOKEN_HEADER) or ""
        bearer = headers.get("authorization", "")
        if not given and bearer.lower().startswith("bearer "):
            given = bearer[7:].strip()
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _clock(self) -> dict[str, Any]:
        clock = self.aws.clock
        return {"now": clock.now().isoformat(), "elapsed_seconds": clock.elapsed().total_seconds()}

    def _advance(self, body: dict) -> None:
        units = {k: body[k] for k in ("seconds", "minutes", "hours", "days") if k in body}
        unknown = set(body) - set(units)
        if unknown or not units:
            raise ControlError("advance takes seconds, minutes, hours and/or days, e.g. {\"days\": 31}")
        for key, value in units.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ControlError(f"{key} must be a number, not {value!r}")
        self.aws.clock.advance(**{k: float(v) for k, v in units.items()})

    def _set(self, body: dict) -> None:
        if set(body) != {"time"} or not isinstance(body["time"], str):
            raise ControlError("set takes {\"time\": \"2025-01-31T00:00:00Z\"}")
        when = dt.datetime.fromisoformat(body["time"].replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        if when < self.aws.clock.now():
            raise ControlError(f"the virtual clock only moves forward (it is {self.aws.clock.now().isoformat()})")
        self.aws.clock.advance_to(when)


def _logged(call) -> dict[str, Any]:
    return {"seq": call.seq, "time": call.time.isoformat(), "service": call.service, "operation": call.operation,
            "params": call.params, "region": call.region, "source": call.source, "status": call.status,
            "error_code": call.error_code, "error_message": call.error_message, "notes": call.notes}


def _json(status: int, data: Any) -> Response:
    return Response(status, [("Content-Type", "application/json")], json.dumps(data, default=str).encode())
