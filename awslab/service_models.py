"""One botocore model loader per process, so each service's model is read from disk once.

botocore gives every Session a Loader of its own, and a Loader caches only for itself; a process
that makes sessions freely reads the same multi-megabyte model again for each of them. moto does:
its EC2 module builds three sessions while it is imported (to list the regions), its parser a
Loader per service model, and boto3.Session() is one more. For the EC2 model (3 MB of JSON) that
was about a second of CPU per grading of vpc_nacl.

Sharing is safe because a loaded model is never changed after it is loaded: botocore hands the same
objects to every client of a session already. moto's parser reads botocore's service model plus
moto's own extras (extra error shapes, say): it gets the clients' model as it is when moto has no
extras for the service, and otherwise a copy of it with the extras merged in, copied only along the
extras' paths, so the extras never reach a client's model and the big model is still parsed once.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import Any

_lock = threading.Lock()
_shared = False


def share_loaders() -> None:
    """From now on every new botocore Session, and moto's model parser if moto is imported, reuse
    one Loader each (per data path). Idempotent; call it before the first Session is made."""
    global _shared
    with _lock:
        if not _shared:
            import botocore.loaders
            import botocore.session

            one_per_path = functools.lru_cache(maxsize=None)(botocore.loaders.create_loader)

            def create_loader(search_path_string=None):
                return one_per_path(search_path_string or None)  # a Session passes its data_path (None)

            botocore.session.create_loader = create_loader
            _shared = True
        utils: Any = sys.modules.get("moto.core.utils")
        if utils is not None and not hasattr(utils.create_loader, "cache_info"):
            utils.create_loader = functools.lru_cache(maxsize=None)(utils.create_loader)
            utils._load_service_model = _moto_model(utils._load_service_model, utils.create_loader)


def _moto_model(moto_load, moto_loader):
    """moto.core.utils._load_service_model, reading service-2 models through the clients' loader."""
    import botocore.session

    def load(service_name: str, model_name: str):
        clients = botocore.session.create_loader()
        mine = moto_loader()
        if model_name != "service-2":
            return moto_load(service_name, model_name)
        try:
            version = mine.determine_latest_version(service_name, model_name)
            if version != clients.determine_latest_version(service_name, model_name) or any(
                    clients._find_extras(service_name, model_name, version)):
                return moto_load(service_name, model_name)  # not the model moto would read: its own way
            model = clients.load_service_model(service_name, model_name, version)
            for extras in mine._find_extras(service_name, model_name, version):
                if "merge" in extras:
                    model = merged(model, extras["merge"])
            return model
        except Exception:  # noqa: BLE001 - an unknown service, say: moto's own loading says what is wrong
            return moto_load(service_name, model_name)

    return load


def merged(base: dict, extra: dict) -> dict:
    """botocore.utils.deep_merge(copy of base, extra) without copying what extra does not touch."""
    result = base.copy()
    for key, value in extra.items():
        if key in result and isinstance(result[key], dict) and isinstance(value, dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result
