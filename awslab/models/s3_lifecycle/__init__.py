"""S3 lifecycle as AWS documents it (../shared/aws-rules/s3_lifecycle.md), as a pure model.

Emulators store lifecycle configurations and never run them; awslab runs them on its virtual clock:
- `validate(config)` / `parse_config(config)`: S3's checks on PutBucketLifecycleConfiguration;
- `plan(config, snapshot, now)`: the actions due when lifecycle runs at `now`;
- `simulate(config, snapshot, until)`: day-by-day runs on an in-memory copy of the bucket;
- `small_object_notes(config, snapshot)`: why a small object is not moved (awslab.pictures.s3_lifecycle
  draws the timeline for a person, and `explain` simulates and draws it).
"""

from .bucket import BucketSnapshot, MultipartUpload, ObjectVersion
from .dates import due_after_days, midnights_between, next_midnight
from .errors import LifecycleError
from .filter import Filter
from .plan import (
    ABORT_MULTIPART,
    ACTION_KINDS,
    EXPIRE_CURRENT,
    EXPIRE_NONCURRENT,
    NONCURRENT_TRANSITION,
    REMOVE_EXPIRED_DELETE_MARKER,
    TRANSITION,
    Action,
    abort_date,
    next_expiration,
    plan,
)
from .rules import (
    Expiration,
    LifecycleConfig,
    NoncurrentExpiration,
    NoncurrentTransition,
    Rule,
    Transition,
    parse_config,
    validate,
)
from .simulate import Event, Timeline, apply_action, simulate
from .timeline import small_object_notes
from .xml_body import parse_lifecycle_xml

__all__ = [
    "ABORT_MULTIPART",
    "ACTION_KINDS",
    "EXPIRE_CURRENT",
    "EXPIRE_NONCURRENT",
    "NONCURRENT_TRANSITION",
    "REMOVE_EXPIRED_DELETE_MARKER",
    "TRANSITION",
    "Action",
    "BucketSnapshot",
    "Event",
    "Expiration",
    "Filter",
    "LifecycleConfig",
    "LifecycleError",
    "MultipartUpload",
    "NoncurrentExpiration",
    "NoncurrentTransition",
    "ObjectVersion",
    "Rule",
    "Timeline",
    "Transition",
    "abort_date",
    "apply_action",
    "due_after_days",
    "midnights_between",
    "next_expiration",
    "next_midnight",
    "parse_config",
    "parse_lifecycle_xml",
    "plan",
    "small_object_notes",
    "simulate",
    "validate",
]
