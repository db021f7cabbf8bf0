"""moto's server in a process of its own on 127.0.0.1, started and stopped by awslab.

awslab starts it through `python -m awslab.backends.moto_server_main`, moto's own server app
plus one control route that makes the process travel to awslab's virtual time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import urllib3

from ..gateway.upstreams import HttpUpstream
from .base import SERVICE_FEATURES, Backend, BackendError, moto_serves, moto_settings
from .health import wait_healthy


class MotoServerBackend(Backend):
    name = "moto-server"
    account_id = "123456789012"
    features = SERVICE_FEATURES | {"virtual_time", "s3_storage_class_in_place", "moto_state", "sqs_attributes_by_name"}

    def serves(self, service: str) -> bool:
        return moto_serves(service)

    def __init__(self, url: str | None = None, **_: object) -> None:
        self.url = url  # an already running moto server (then awslab neither starts nor stops it)
        if url is not None:
            # Any moto server (docker compose's, a colleague's) answers the API, but only the one awslab
            # starts has its clock and state routes: checks that need them are not applicable there.
            self.features = SERVICE_FEATURES
        self.process: subprocess.Popen | None = None
        self._http = urllib3.PoolManager(retries=False, timeout=10)
        self._upstream: HttpUpstream | None = None

    def start(self) -> None:
        try:  # a server this backend started does not outlive a failed or interrupted start
            if self.url is None:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "awslab.backends.moto_server_main", "--port", "0"],
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                    env={**os.environ, **moto_settings(os.environ), "PYTHONUNBUFFERED": "1"}, start_new_session=True,
                )
                line = _read_line(self.process, timeout=30)
                if not line.startswith("PORT "):
                    raise BackendError(f"moto server did not start (said {line!r})")
                self.url = f"http://127.0.0.1:{int(line.split()[1])}"
            self._upstream = HttpUpstream(self.url)
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self) -> None:
        wait_healthy(f"{self.url}/moto-api/data.json", timeout=20, interval=0.05,
                     not_answering=lambda: f"moto server at {self.url} is not answering")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=3)
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None
            self.url = None

    def upstream(self) -> HttpUpstream:
        if self._upstream is None:
            raise BackendError("moto server not started")
        return self._upstream

    def reset(self) -> None:
        self._http.request("POST", f"{self.url}/moto-api/reset")

    def set_time(self, now: dt.datetime) -> None:
        if self.process is not None:
            self._http.request("POST", f"{self.url}/_awslab/clock", body=json.dumps({"now": now.isoformat()}),
                               headers={"Content-Type": "application/json"})


    def set_storage_class(self, bucket: str, key: str, version_id: str, storage_class: str) -> None:
        response = self._http.request(
            "POST", f"{self.url}/_awslab/s3/storage-class",
            body=json.dumps({"bucket": bucket, "key": key, "version_id": version_id, "storage_class": storage_class}),
            headers={"Content-Type": "application/json"})
        if response.status != 200:
            raise BackendError(f"moto server could not change the storage class: {response.data.decode()[:200]}")

    def edit_moto_state(self, edit: str, **arguments):
        response = self._http.request("POST", f"{self.url}/_awslab/moto-state/{edit}", body=json.dumps(arguments),
                                      headers={"Content-Type": "application/json"})
        if response.status != 200:
            raise BackendError(f"moto server could not apply {edit}: {response.data.decode()[:200]}")
        return json.loads(response.data)["result"]


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    import selectors

    stdout = process.stdout
    if stdout is None:
        raise ValueError("the process was started without stdout=subprocess.PIPE: there is no line to read")
    selector = selectors.DefaultSelector()
    selector.register(stdout, selectors.EVENT_READ)
    if not selector.select(timeout):
        return ""
    return stdout.readline().decode().strip()
