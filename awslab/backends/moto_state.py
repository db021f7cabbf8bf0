"""Edits of moto's in-process state, for corrections moto's API cannot express.

Both moto backends use these: embedded moto calls them directly, the moto-server process runs them
behind its control route (POST /_awslab/moto-state/<edit>). The gateway decides when; these only do.
"""

from __future__ import annotations

from typing import Any

# moto shows a message when now > visible_at (models.Message.visible); AWS shows it once its timeout
# has run out, at the end instant itself. One microsecond, the virtual clock's finest step, earlier.
_ONE_MICROSECOND_MS = 0.001


def set_sqs_visibility(account_id: str, region: str, queue_name: str, changes: list[tuple[str, float]]) -> list[str]:
    """For each (receipt handle, seconds from now, on moto's own clock): the message of that handle
    becomes visible at that instant, not a microsecond later; a message visible now leaves the
    in-flight set, as moto's own ChangeMessageVisibility does. Returns the handles no message of the
    queue ever had."""
    from moto.core.utils import unix_time_millis
    from moto.sqs.models import sqs_backends

    queue = sqs_backends[account_id][region].get_queue(queue_name)
    missing = []
    now = unix_time_millis()
    for handle, seconds in changes:
        message = next((m for m in queue._messages if m.had_receipt_handle(handle)), None)
        if message is None:
            missing.append(handle)
            continue
        message.visible_at = now + float(seconds) * 1000.0 - _ONE_MICROSECOND_MS
        if message.visible and message in queue.pending_messages:
            queue.pending_messages.remove(message)
    return missing


def set_s3_versioning_status(account_id: str, bucket: str, status: str) -> str | None:
    """Set a bucket's versioning status as moto stores it, without S3's API; returns the one it had."""
    from moto.s3.models import s3_backends

    stored = s3_backends[account_id]["aws"].get_bucket(bucket)
    before, stored.versioning_status = stored.versioning_status, status
    return before


def make_s3_latest_null(account_id: str, bucket: str, key: str) -> bool:
    """On a versioning-suspended bucket, the write just made is the key's null version: its version id
    becomes "null" and the null version it replaces goes (the versions with real ids stay).
    Returns False if the key has no versions."""
    from moto.s3.models import s3_backends

    keys = s3_backends[account_id]["aws"].get_bucket(bucket).keys
    versions = keys.getlist(key) or []
    if not versions:
        return False
    latest = versions[-1]
    latest._version_id = "null"
    keys.setlist(key, [v for v in versions[:-1] if str(v.version_id) != "null"] + [latest])
    return True


EDITS: dict[str, Any] = {"sqs-visibility": set_sqs_visibility, "s3-versioning-status": set_s3_versioning_status,
                         "s3-latest-null": make_s3_latest_null}
