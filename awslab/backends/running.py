"""State files of backends started by `awslab backend up`: endpoint, mode and PIDs.

One JSON file per backend under `<cache>/run/` (see localstack_host.cache_root). `awslab backend
down` and `status`, and the backends themselves (to find the endpoint), read them.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .localstack_host import state_dir


def state_path(backend: str) -> Path:
    return state_dir() / f"{backend}.json"


def read_state(backend: str) -> dict | None:
    try:
        return json.loads(state_path(backend).read_text())
    except (OSError, ValueError):
        return None


def write_state(backend: str, state: dict) -> Path:
    path = state_path(backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{backend}-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump(state, out, indent=2)
    os.replace(temporary, path)
    return path


def clear_state(backend: str) -> None:
    try:
        state_path(backend).unlink()
    except FileNotFoundError:
        pass
