"""One botocore model loader per process, so each service's model is read from disk once.

botocore gives every Session a Loader of its own, and a Loader caches only for itself; a process
that makes sessions freely reads the same multi-megabyte model again for each of them. moto does:
its EC2 module builds three sessions while it is imported (to list the regions), its parser a
Loader per service model, and boto3.Session() is one more. For the EC2 model (3 MB of JSON) that
was about a second of CPU per grading of vpc_nacl.

Sharing is safe because a loaded model is never changed after it is loaded: botocore hands the same
objects to every client of a session already. moto's loader (moto's extra model data on top of
botocore's) stays a separate loader, shared among moto's own callers, so its extras never reach a
client's model.
"""

from __future__ import annotations

import functools
import sys
import threading

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

            botocore.session.create_loader = functools.lru_cache(maxsize=None)(botocore.loaders.create_loader)
            _shared = True
        utils = sys.modules.get("moto.core.utils")
        if utils is not None and not hasattr(utils.create_loader, "cache_info"):
            utils.create_loader = functools.lru_cache(maxsize=None)(utils.create_loader)
