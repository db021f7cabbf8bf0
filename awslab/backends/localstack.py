"""LocalStack behind awslab's gateway.

Where: an explicit `url`; else the LocalStack `awslab backend up` started (its state file); else
localstack-client's conventions (`AWS_ENDPOINT_URL`, `LOCALSTACK_HOST`, default
http://localhost:4566). With `start=True` (`awslab check --backend localstack --start`) awslab
starts one for the run, on a free port, and stops it after: in Docker when a daemon answers,
otherwise LocalStack 4.14.0 on the host (see localstack_host).

What differs from moto: account id 000000000000; queue URLs
`http://HOST:PORT/queue/us-east-1/000000000000/NAME` (path strategy); health at
`/_localstack/health`. LocalStack keeps real time in its own process, so it lacks
`virtual_time`: checks that need the emulator's clock to jump are reported not applicable.

Reset: `POST /_localstack/state/reset` (awslab adds that route in host mode; LocalStack Pro has
it) for every service but DynamoDB, whose tables are deleted through the API (a reset inside
LocalStack restarts DynamoDB Local's JVM). Where the route is missing (a community Docker image),
every resource is deleted through the API (`sweep`).
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

import urllib3

from ..gateway.upstreams import HttpUpstream
from .base import SERVICE_FEATURES, Backend, BackendError
from .health import wait_healthy

if TYPE_CHECKING:
    from .localstack_host import HostLocalStack

# What a reset deletes when LocalStack has no state-reset route: every running service that
# awslab.backends.sweep knows how to empty (sweep.SWEEPERS).
WARM_CALLS: dict[str, tuple[str, dict[str, Any]]] = {"s3": ("list_buckets", {}), "sqs": ("list_queues", {}), "sns": ("list_topics", {}),
              "iam": ("list_users", {}), "sts": ("get_caller_identity", {}), "dynamodb": ("list_tables", {})}


def default_endpoint() -> str:
    """localstack-client's endpoint: AWS_ENDPOINT_URL, else LOCALSTACK_HOST, else localhost:4566."""
    from localstack_client.config import get_service_endpoint

    return (get_service_endpoint("s3") or "http://localhost:4566").rstrip("/")


def running_endpoint() -> str | None:
    """The endpoint of a LocalStack `awslab backend up` started, if its state file says one runs."""
    from .running import read_state

    state = read_state("localstack")
    return state.get("url") if state else None


class LocalStackBackend(Backend):
    name = "localstack"
    account_id = "000000000000"
    features = SERVICE_FEATURES
    # said of any lab's check: no service named, since the reason is the clock, not the service
    lacks = {"virtual_time": "LocalStack keeps real time in its own process, so awslab cannot move its clock "
                             "(the check would wait out real days, hours or seconds of AWS time)"}

    def serves(self, service: str) -> bool:
        from .base import FEATURES
        from .localstack_host import served_services

        if service in FEATURES and service not in self.features:
            return False  # e.g. DynamoDB on a host-mode LocalStack without Java (self.lacks says why)
        return service in served_services()

    def __init__(self, url: str | None = None, start: bool = False, port: int = 0, log=None, **_: object) -> None:
        self.requested_url = url.rstrip("/") if url else None
        self.start_own = start
        self.port = port
        self.log = log
        self.url: str | None = self.requested_url
        self.launched: HostLocalStack | dict[str, Any] | None = None  # a HostLocalStack, or a Docker state record, when this backend started one
        self.mode = "external"
        self.features = type(self).features
        self.lacks = dict(type(self).lacks)
        self._http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=2, read=30))
        self._upstream: HttpUpstream | None = None
        self._clients: dict = {}
        self._has_reset_route: bool | None = None
        self.startup_seconds = 0.0

    # -- life cycle ------------------------------------------------------------------------------
    def start(self) -> None:
        began = time.monotonic()
        try:  # a LocalStack this backend started does not outlive a failed or interrupted start
            if self.start_own and self.launched is None:
                self._launch()
            if self.url is None:
                self.url = running_endpoint() or default_endpoint()
            self._wait_healthy(5 if not self.start_own else 30)
            self._upstream = HttpUpstream(self.url)
            self.warm_up()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def warm_up(self, timeout: float = 180) -> None:
        """Load every lab service now. LocalStack loads a service on its first request, which takes
        seconds (DynamoDB Local's JVM: 5-15 s on two cores): a learner's first call would otherwise
        run into the lab's time limit."""
        import concurrent.futures

        states = self.health().get("services", {})
        cold = [name for name in WARM_CALLS if name in self.features | {"sts"} and states.get(name) != "running"]
        if not cold:
            return

        def touch(service: str) -> None:
            operation, params = WARM_CALLS[service]
            getattr(self.admin_client(service, read_timeout=timeout), operation)(**params)

        with concurrent.futures.ThreadPoolExecutor(len(cold)) as pool:
            for service, future in [(name, pool.submit(touch, name)) for name in cold]:
                try:
                    future.result(timeout=timeout)
                except Exception as exc:
                    if service == "dynamodb":
                        self._note_dynamodb(f"it did not start ({type(exc).__name__}: {exc})")
                    else:
                        raise BackendError(f"LocalStack's {service} did not start: {exc}") from exc

    def _launch(self) -> None:
        from . import localstack_host as host

        mode = os.environ.get("AWSLAB_LOCALSTACK_MODE", "auto")
        client = host.docker_client() if mode in ("auto", "docker") else None
        if mode == "docker" and client is None:
            raise BackendError("AWSLAB_LOCALSTACK_MODE=docker, and no Docker daemon answers (is it running? "
                               "DOCKER_HOST?)")
        if client is not None:
            import socket

            with socket.socket() as probe:  # a free loopback port for this run's container
                probe.bind(("127.0.0.1", self.port))
                port = probe.getsockname()[1]
            container = self.launched = host.start_docker(client, port, log=self.log,
                                                          name=f"{host.CONTAINER_NAME}-{port}")
            self.url, self.mode = container["url"], "docker"
            return
        server = host.HostLocalStack(port=self.port, log=self.log).start()
        self.launched, self.url, self.mode = server, server.url, "host"
        self._note_dynamodb(server.dynamodb)

    def _note_dynamodb(self, problem: str) -> None:
        if problem:
            self.features = self.features - {"dynamodb"}
            self.lacks["dynamodb"] = f"DynamoDB is unavailable on this host-mode LocalStack: {problem}"

    def stop(self) -> None:
        launched, self.launched = self.launched, None
        if launched is None:
            return
        if isinstance(launched, dict):  # a Docker container's state record
            from .localstack_host import stop_docker

            stop_docker(launched)
        else:
            launched.stop()
        self.url = self.requested_url
        self._clients.clear()

    def _wait_healthy(self, timeout: float) -> None:
        wait_healthy(f"{self.url}/_localstack/health", timeout=timeout, interval=0.2, not_answering=lambda: (
            f"no LocalStack answers at {self.url}: start one with `awslab backend up localstack` (or "
            "`docker compose up -d localstack`), pass --start to start one for this run, or set LOCALSTACK_HOST"))

    def health(self) -> dict:
        """LocalStack's /_localstack/health: {"services": {name: state}, "edition", "version"}."""
        response = self._http.request("GET", f"{self.url}/_localstack/health", timeout=5)
        if response.status != 200:
            raise BackendError(f"LocalStack at {self.url} is unhealthy (HTTP {response.status})")
        return response.json()

    def upstream(self) -> HttpUpstream:
        if self._upstream is None:
            raise BackendError("LocalStack backend not started")
        return self._upstream

    # -- reset -----------------------------------------------------------------------------------
    def reset(self) -> None:
        services = self.health().get("services", {})
        from .sweep import SWEEPERS

        running = [name for name in SWEEPERS if services.get(name) == "running"]
        swept = running
        if self._has_reset_route is not False:
            response = self._http.request("POST", f"{self.url}/_localstack/state/reset?skip=dynamodb")
            if response.status == 200:
                self._has_reset_route = True
                swept = [name for name in running if name == "dynamodb"]
            elif response.status in (404, 405):
                self._has_reset_route = False
            else:
                raise BackendError(f"LocalStack at {self.url} failed a state reset (HTTP {response.status}: "
                                   f"{response.data[:300]!r})")
        if swept:
            from .sweep import sweep

            try:
                sweep(self.admin_client, swept)
            except Exception as exc:  # botocore errors of any kind
                raise BackendError(f"could not reset LocalStack at {self.url} ({type(exc).__name__}: {exc})") from exc

    def admin_client(self, service: str, read_timeout: float = 60):
        """A boto3 client straight to LocalStack (not through the gateway), account 000000000000."""
        key = (service, read_timeout)
        if key not in self._clients:
            import boto3
            from botocore.config import Config

            self._clients[key] = boto3.session.Session().client(
                service, endpoint_url=self.url, region_name=self.region, aws_access_key_id="test",
                aws_secret_access_key="test",
                config=Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"},
                              read_timeout=read_timeout, connect_timeout=5))
        return self._clients[key]

    def queue_url(self, name: str, region: str | None = None) -> str:
        """The URL LocalStack gives queue NAME (path strategy)."""
        return f"{self.url}/queue/{region or self.region}/{self.account_id}/{name}"

