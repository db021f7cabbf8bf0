"""Start host-mode LocalStack with one extra route: POST /_localstack/state/reset.

Run by the LocalStack virtual environment's Python (not awslab's): it imports nothing of awslab.
LocalStack community 4.14 has no state-reset endpoint (it is part of the paid state plugin), so
awslab adds one here: for every service loaded so far, the provider's `on_before_state_reset`
hook, then each state container cleared (LocalStack stores, moto backends, asset directories),
then `on_after_state_reset`. `?skip=dynamodb` leaves a service out (awslab deletes DynamoDB
tables through the API instead: clearing them here restarts DynamoDB Local's JVM, about 1-2 s).

    <venv>/bin/python localstack_launch.py
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys

# Run as a script, this file's folder (awslab/backends, which has a localstack.py) would shadow the
# `localstack` package: drop it from the path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _HERE]

LOG = logging.getLogger("awslab.reset")


def _reset_services(skip: set[str]) -> list[str]:
    from localstack.services.plugins import SERVICE_PLUGINS
    from localstack.services.stores import AccountRegionBundle
    from localstack.state.core import AssetDirectory, StateVisitor

    moto_containers: tuple[type, ...]
    try:
        from moto.core.base_backend import BackendDict

        moto_containers = (BackendDict,)
    except ImportError:  # pragma: no cover - moto-ext is a dependency of localstack-core[runtime]
        moto_containers = ()

    class Reset(StateVisitor):
        def visit(self, container):
            if isinstance(container, AccountRegionBundle):
                container.reset()
            elif isinstance(container, moto_containers):
                for account_backend in list(container.values()):
                    account_backend.reset()
            elif isinstance(container, AssetDirectory):
                if os.path.isdir(container.path):
                    shutil.rmtree(container.path, ignore_errors=True)
                    os.makedirs(container.path, exist_ok=True)

    done = []
    for name, service_container in list(SERVICE_PLUGINS._services.items()):
        if name in skip:
            continue
        service = service_container.service
        hook = service.lifecycle_hook
        hook.on_before_state_reset()
        service.accept_state_visitor(Reset())
        # S3 keeps object bodies in a storage backend beside its stores: empty it too.
        storage = getattr(getattr(service, "_provider", None), "_storage_backend", None)
        if storage is not None and hasattr(storage, "reset"):
            storage.reset()
        hook.on_after_state_reset()
        done.append(name)
    return done


def _install_reset_route() -> None:
    from localstack.http import Request, Resource, Response
    from localstack.services import internal

    class StateResetResource:
        def on_post(self, request: Request):
            skip = {s for s in request.args.get("skip", "").split(",") if s}
            try:
                done = _reset_services(skip)
            except Exception as exc:  # the caller falls back to deleting through the API
                LOG.exception("state reset failed")
                return Response(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), status=500,
                                mimetype="application/json")
            return Response(json.dumps({"reset": done, "skipped": sorted(skip)}), status=200,
                            mimetype="application/json")

    original = internal.LocalstackResources.add_default_routes

    def add_default_routes(self):
        original(self)
        self.add(Resource("/_localstack/state/reset", StateResetResource()))

    internal.LocalstackResources.add_default_routes = add_default_routes


def main() -> None:
    _install_reset_route()
    from localstack.runtime.main import main as localstack_main

    sys.argv = [sys.argv[0]]
    localstack_main()


if __name__ == "__main__":
    main()
