"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    try:  # Linux says it without changing it (os.umask would, for a moment, for every thread)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, text: str | bytes, *, secret: bool = False) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    The file gets the mode any program would create it with (0666 less the user's umask), so a
    gradebook is readable by whom the instructor's umask allows; `secret=True` keeps it 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    # The temporary name is cut short: `path` may already be as long as the file system allows.
    fd, temp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes 0600 whatever the umask: right for a secret, not for a report.
        os.fchmod(fd, 0o600 if secret else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
