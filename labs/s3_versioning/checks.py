"""Checks of the s3_versioning lab: versioning, undelete, history, and lifecycle rules on virtual time.

Each check judges one behaviour by its effect. Lifecycle checks share one bucket: the grader turns
versioning on, the learner's apply_lifecycle() configures it, the grader writes a scenario on day 0,
and each check moves the virtual clock to the day it is about (checks run in day order) and reads
what awslab's lifecycle engine did to the bucket. Day numbers count from the day the scenario starts.

A check judges one rule: when another rule of the configuration hid an object early (a delete
marker on day 32 from a rule that should have acted only on noncurrent versions), the transition
and expiry checks of `logs/` replay the configuration as sent without that rule, on awslab's model,
and say so; the check about that other rule is the one that fails.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import replace

from awslab.lab import CheckFailed, check, fixture, lifecycle_timeline, s3_lifecycle

PAGE_SIZE = 5  # list calls answer in pages of 5 in the learner's functions: a 20-entry history needs 4
BIG = 200 * 1024  # objects under 128 KB do not transition by default (TransitionDefaultMinimumObjectSize)
LOGS_KEY = "logs/app-2026-01-05.log"
DATA_KEY = "data/report.csv"
REPORTS_KEY = "reports/summary.csv"
LONE_MARKER_KEY = "tmp/scratch.txt"
KEPT_MARKER_KEY = "tmp/kept.txt"
UPLOAD_KEY = "uploads/video.mp4"


# -- helpers -------------------------------------------------------------------------------------------
def _engine(ctx):
    return ctx.behaviour("s3_lifecycle")


@contextmanager
def _small_pages(ctx):
    before = ctx.settings.get("page_size")
    ctx.settings["page_size"] = PAGE_SIZE
    try:
        yield
    finally:
        if before is None:
            ctx.settings.pop("page_size", None)
        else:
            ctx.settings["page_size"] = before


def _bucket(ctx, name: str, versioned: bool = True) -> str:
    bucket = ctx.unique(name)
    s3 = ctx.client("s3")
    s3.create_bucket(Bucket=bucket)
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def _put(ctx, bucket: str, key: str, body: bytes) -> str:
    """Write one version, one virtual second after the previous write (LastModified has whole seconds)."""
    ctx.clock.advance(seconds=1)
    return ctx.client("s3").put_object(Bucket=bucket, Key=key, Body=body)["VersionId"]


def _delete(ctx, bucket: str, key: str) -> str:
    ctx.clock.advance(seconds=1)
    return ctx.client("s3").delete_object(Bucket=bucket, Key=key)["VersionId"]


def _history(ctx, bucket: str, key: str) -> list[dict]:
    """The grader's own view of exactly `key`: versions and delete markers, newest first."""
    entries = []
    for page in ctx.client("s3").get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        entries += [{**v, "IsDeleteMarker": False} for v in page.get("Versions", []) if v["Key"] == key]
        entries += [{**m, "IsDeleteMarker": True} for m in page.get("DeleteMarkers", []) if m["Key"] == key]
    entries.sort(key=lambda e: (e["IsLatest"], e["LastModified"]), reverse=True)
    return entries


def _day(ctx, moment: dt.datetime) -> int:
    return (moment.date() - ctx.clock.start_time.date()).days


def _go_to(ctx, moment: dt.datetime) -> None:
    ctx.clock.advance_to(moment)


def _events(ctx, bucket: str, kind: str, key: str, version_id: str | None = None):
    return [e for e in _engine(ctx).events(bucket)
            if e.kind == kind and e.key == key and (version_id is None or e.version_id == version_id)]


def _short(version_id: str) -> str:
    return version_id[:8]


# -- the lifecycle scenario -------------------------------------------------------------------------------
@fixture
def lifecycle(ctx):
    """A versioned bucket configured by apply_lifecycle(), and the grader's day-0 scenario in it."""
    bucket = _bucket(ctx, "lifecycle")
    mark = ctx.log.mark()
    ctx.learner.apply_lifecycle(ctx.learner_client("s3"), bucket)
    if _engine(ctx).lifecycle(bucket) is None:
        rejected = [c for c in ctx.log.calls("s3", "PutBucketLifecycleConfiguration", since=mark) if c.failed]
        if rejected:
            raise CheckFailed(f"S3 rejected the lifecycle configuration apply_lifecycle() sent: "
                              f"{rejected[-1].error_code}: {rejected[-1].error_message}")
        raise CheckFailed("apply_lifecycle() put no lifecycle configuration on the bucket "
                          "(put_bucket_lifecycle_configuration was never called), so nothing ever moves or expires")
    s3 = ctx.client("s3")
    scenario = {"bucket": bucket}
    scenario["logs"] = _put(ctx, bucket, LOGS_KEY, b"l" * BIG)
    scenario["data"] = _put(ctx, bucket, DATA_KEY, b"d" * BIG)
    scenario["reports"] = [_put(ctx, bucket, REPORTS_KEY, f"summary v{n}".encode()) for n in range(1, 6)]
    scenario["reports_written"] = {v["VersionId"]: v["LastModified"] for v in _history(ctx, bucket, REPORTS_KEY)}
    lone = _put(ctx, bucket, LONE_MARKER_KEY, b"scratch")
    scenario["lone_marker"] = _delete(ctx, bucket, LONE_MARKER_KEY)
    s3.delete_object(Bucket=bucket, Key=LONE_MARKER_KEY, VersionId=lone)  # only the marker is left
    _put(ctx, bucket, KEPT_MARKER_KEY, b"kept")
    scenario["kept_marker"] = _delete(ctx, bucket, KEPT_MARKER_KEY)
    upload = s3.create_multipart_upload(Bucket=bucket, Key=UPLOAD_KEY)
    s3.upload_part(Bucket=bucket, Key=UPLOAD_KEY, UploadId=upload["UploadId"], PartNumber=1, Body=b"part one")
    scenario["upload"] = upload["UploadId"]
    scenario["start"] = ctx.clock.now()
    return scenario


def _version(ctx, bucket: str, key: str, version_id: str) -> dict | None:
    return next((v for v in _history(ctx, bucket, key) if v["VersionId"] == version_id), None)


def _hidden_early(ctx, bucket: str, key: str, version_id: str, before: dt.datetime):
    """The event of a rule that made this version noncurrent before `before`, if any."""
    return next((e for e in _events(ctx, bucket, s3_lifecycle.EXPIRE_CURRENT, key, version_id) if e.at < before), None)


def _replay_without(ctx, bucket: str, rule_id: str, key: str, version: dict, until: dt.datetime):
    """awslab's model of the configuration as sent minus one rule, on this one version left alone."""
    config = _engine(ctx).lifecycle(bucket)
    config = replace(config, rules=tuple(rule for rule in config.rules if rule.id != rule_id))
    alone = s3_lifecycle.ObjectVersion(key=key, version_id=version["VersionId"], last_modified=version["LastModified"],
                          size=version.get("Size", 0))
    snapshot = s3_lifecycle.BucketSnapshot(versioning="Enabled", versions=(alone,), bucket=bucket)
    return s3_lifecycle.simulate(config, snapshot, until, start=version["LastModified"]).events


def _judge_transition(ctx, scenario: dict, storage_class: str, days: int) -> None:
    bucket, version_id = scenario["bucket"], scenario["logs"]
    created = _version(ctx, bucket, LOGS_KEY, version_id)
    if created is None:
        ctx.fail(f"the day-0 version {_short(version_id)} of {LOGS_KEY} is gone: a rule deleted it permanently")
    due = s3_lifecycle.due_after_days(created["LastModified"], days)
    _go_to(ctx, due + dt.timedelta(hours=1))
    seen = _version(ctx, bucket, LOGS_KEY, version_id)
    if seen is None:
        ctx.fail(f"the day-0 version of {LOGS_KEY} was deleted before day {_day(ctx, due)}")
    moved = [e for e in _events(ctx, bucket, s3_lifecycle.TRANSITION, LOGS_KEY, version_id)
             if e.action.storage_class == storage_class]
    if seen.get("StorageClass") == storage_class and moved:
        ctx.expect(moved[0].at == due, f"{LOGS_KEY} moved to {storage_class} on day {_day(ctx, moved[0].at)}, "
                                       f"expected day {_day(ctx, due)} ({days} days after it was written)")
        ctx.expect(seen["LastModified"] == created["LastModified"],
                   "a transition keeps the version's Last-Modified")
        ctx.note(f"{LOGS_KEY} (version {_short(version_id)}, 200 KB) moved to {storage_class} on day "
                 f"{_day(ctx, due)} by rule {moved[0].rule_id!r}")
        return
    hidden = _hidden_early(ctx, bucket, LOGS_KEY, version_id, due)
    if hidden is not None:
        replay = _replay_without(ctx, bucket, hidden.rule_id, LOGS_KEY, created, due + dt.timedelta(hours=1))
        if any(e.kind == s3_lifecycle.TRANSITION and e.action.storage_class == storage_class and e.at == due
               for e in replay):
            ctx.note(f"rule {hidden.rule_id!r} hid {LOGS_KEY} under a delete marker on day {_day(ctx, hidden.at)}, "
                     f"so it never reached {storage_class}; without that rule your configuration moves it on day "
                     f"{_day(ctx, due)}, which is what this check is about (another check judges that rule)")
            return
        ctx.fail(f"{LOGS_KEY} became noncurrent on day {_day(ctx, hidden.at)} (rule {hidden.rule_id!r} added a "
                 f"delete marker), and transitions only move current versions: it never reached {storage_class}")
    if moved:
        ctx.fail(f"{LOGS_KEY} moved to {storage_class} on day {_day(ctx, moved[0].at)}, but it is "
                 f"{seen.get('StorageClass')} on day {_day(ctx, due)}")
    ctx.fail(f"on day {_day(ctx, due)} {LOGS_KEY} (200 KB, written on day {_day(ctx, created['LastModified'])}) "
             f"is {seen.get('StorageClass', 'STANDARD')}, expected {storage_class}: no rule moves objects under "
             f"logs/ to {storage_class} {days} days after they are written")


# -- checks ------------------------------------------------------------------------------------------------
@check("enable_versioning turns versioning on", points=1,
       hint="Versioning is a bucket setting with a Status; there is no 'off', only Enabled and Suspended.")
def versioning_enabled(ctx):
    bucket = _bucket(ctx, "versioning", versioned=False)
    ctx.learner.enable_versioning(ctx.learner_client("s3"), bucket)
    status = ctx.client("s3").get_bucket_versioning(Bucket=bucket).get("Status")
    ctx.expect(status == "Enabled", f"after enable_versioning() the bucket's versioning status is {status!r}, "
                                    "expected 'Enabled'")


@fixture
def deleted_twice(ctx):
    """Two keys whose current version is a delete marker: one marker, and two stacked markers."""
    bucket = _bucket(ctx, "undelete")
    key, stacked = "notes/plan.txt", "notes/todo.txt"
    first = _put(ctx, bucket, key, b"first draft")
    final = _put(ctx, bucket, key, b"final plan")
    _put(ctx, bucket, key + ".bak", b"backup")  # a neighbour sharing the prefix
    marker = _delete(ctx, bucket, key)
    only = _put(ctx, bucket, stacked, b"buy milk")
    _delete(ctx, bucket, stacked)
    _delete(ctx, bucket, stacked)
    return {"bucket": bucket, "key": key, "first": first, "final": final, "marker": marker,
            "stacked": stacked, "only": only}


def _judge_undelete(ctx, bucket: str, key: str, expected_id: str, expected_body: bytes, versions: int) -> None:
    mark = ctx.log.mark()
    with _small_pages(ctx):
        returned = ctx.learner.undelete(ctx.learner_client("s3"), bucket, key)
    history = _history(ctx, bucket, key)
    current = history[0] if history else None
    rewrites = [c for c in ctx.log.calls("s3", since=mark)
                if c.operation in ("PutObject", "CopyObject", "CompleteMultipartUpload")]
    if rewrites:
        ctx.fail(f"undelete() called {rewrites[0].operation}: the previous version must become current again "
                 "as it is, without uploading a copy (a copy is a new version)")
    if current is None:
        ctx.fail(f"after undelete() {key} has no versions at all")
    if current["IsDeleteMarker"]:
        did = "did nothing" if len(ctx.log.calls("s3", since=mark)) == 0 else "left it deleted"
        ctx.fail(f"undelete() {did}: the current version of {key} is still a delete marker")
    ctx.expect(current["VersionId"] == expected_id,
               f"after undelete() the current version of {key} is {_short(current['VersionId'])}, expected the "
               f"newest version before the delete, {_short(expected_id)}")
    body = ctx.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    ctx.expect_equal(body, expected_body, f"the bytes of {key} after undelete()")
    kept = [v for v in history if not v["IsDeleteMarker"]]
    ctx.expect(len(kept) == versions, f"{key} had {versions} versions before undelete() and has {len(kept)} after: "
                                      "undelete removes delete markers, never object versions")
    ctx.expect_equal(returned, expected_id, "the version id undelete() returned")


@check("undelete makes the previous version current again", points=2,
       hint="A delete marker is itself a version. What happens to the key when that version is deleted?")
def undelete_restores(ctx):
    scenario = ctx.use(deleted_twice)
    _judge_undelete(ctx, scenario["bucket"], scenario["key"], scenario["final"], b"final plan", 2)


@check("undelete removes every stacked delete marker", points=1,
       hint="Deleting a key twice stacks two delete markers; both are above the version to restore.",
       # Stacked markers are told apart by LastModified, which has whole seconds; only a backend on
       # virtual time spaces the writes a second apart (on real time they share a second).
       requires=["virtual_time"])
def undelete_stacked(ctx):
    scenario = ctx.use(deleted_twice)
    _judge_undelete(ctx, scenario["bucket"], scenario["stacked"], scenario["only"], b"buy milk", 1)


@fixture
def histories(ctx):
    """A short history with neighbours sharing its prefix, and a long one spanning many pages."""
    bucket = _bucket(ctx, "history")
    key, long_key = "docs/guide.md", "metrics/daily.json"
    # Five entries share the prefix: one page, so only the prefix (not pagination) is judged here.
    _put(ctx, bucket, key, b"v1")
    _put(ctx, bucket, key + ".bak", b"neighbour")
    _delete(ctx, bucket, key)
    _put(ctx, bucket, key + "/draft", b"neighbour")
    _put(ctx, bucket, key, b"v2")
    for n in range(20):
        if n % 7 == 6:
            _delete(ctx, bucket, long_key)
        else:
            _put(ctx, bucket, long_key, f"day {n}".encode())
    return {"bucket": bucket, "key": key, "long_key": long_key}


def _judge_history(ctx, bucket: str, key: str) -> None:
    expected = _history(ctx, bucket, key)
    with _small_pages(ctx):
        got = ctx.learner.version_history(ctx.learner_client("s3"), bucket, key)
    ctx.expect(isinstance(got, list), f"version_history() returned {type(got).__name__}, expected a list of dicts")
    ctx.expect(got, f"version_history({key!r}) returned an empty list; the key has {len(expected)} versions and "
                    "delete markers")
    ids = [entry.get("VersionId") if isinstance(entry, dict) else entry for entry in got]
    want = [entry["VersionId"] for entry in expected]
    strangers = [i for i in ids if i not in want]
    ctx.expect(not strangers, f"version_history({key!r}) returned {len(strangers)} entries that are not versions of "
                              f"{key!r}: other keys share its prefix (docs/guide.md.bak, docs/guide.md/draft)")
    missing = len([i for i in want if i not in ids])
    ctx.expect(not missing, f"version_history({key!r}) returned {len(ids)} of the {len(want)} versions and delete "
                            f"markers (list calls answer in pages of {PAGE_SIZE} here: "
                            "did it read past the first page?)")
    ctx.expect(ids == want, f"version_history({key!r}) is not newest first: got {[_short(i) for i in ids]}, "
                            f"expected {[_short(i) for i in want]}")
    for entry, truth in zip(got, expected):
        for field in ("IsLatest", "IsDeleteMarker", "LastModified"):
            ctx.expect(field in entry, f"each entry needs {field}; got keys {sorted(entry)}")
            ctx.expect_equal(entry[field], truth[field], f"{field} of version {_short(truth['VersionId'])}")


@check("version_history lists exactly this key, newest first", points=2,
       hint="ListObjectVersions filters by Prefix, not by key: 'docs/guide.md' is a prefix of 'docs/guide.md.bak'.")
def history_exact(ctx):
    scenario = ctx.use(histories)
    _judge_history(ctx, scenario["bucket"], scenario["key"])


@check("version_history follows pagination", points=2,
       hint="A list call answers one page; IsTruncated says there is more, and the next page starts at "
            "NextKeyMarker / NextVersionIdMarker (or let a paginator do it).",
       requires=["virtual_time"])  # newest first needs writes a second apart, as above
def history_paginated(ctx):
    scenario = ctx.use(histories)
    _judge_history(ctx, scenario["bucket"], scenario["long_key"])


@check("expired object delete markers are removed", points=2,
       hint="A delete marker with no versions left beneath it is an 'expired object delete marker'; "
            "an Expiration action has a flag for those.", requires=["virtual_time"])
def delete_markers_cleaned(ctx):
    scenario = ctx.use(lifecycle)
    bucket = scenario["bucket"]
    marker_time = _history(ctx, bucket, LONE_MARKER_KEY)[0]["LastModified"]
    due = s3_lifecycle.due_after_days(marker_time, 0)
    _go_to(ctx, due + dt.timedelta(hours=1))
    left = _history(ctx, bucket, LONE_MARKER_KEY)
    ctx.expect(not left, f"on day {_day(ctx, due)} {LONE_MARKER_KEY} is still a lone delete marker (its only version "
                         "was deleted on day 0): nothing removes expired object delete markers")
    kept = _history(ctx, bucket, KEPT_MARKER_KEY)
    ctx.expect(kept and kept[0]["IsDeleteMarker"] and kept[0]["VersionId"] == scenario["kept_marker"],
               f"the delete marker of {KEPT_MARKER_KEY} was removed although a noncurrent version lies beneath it")
    ctx.note(f"the lone delete marker of {LONE_MARKER_KEY} was removed on day {_day(ctx, due)}")


@check("incomplete multipart uploads are aborted after 7 days", points=2,
       hint="Parts of an upload that is never completed are billed until the upload is aborted; "
            "a lifecycle action does it for you.", requires=["virtual_time"])
def multipart_aborted(ctx):
    scenario = ctx.use(lifecycle)
    bucket, upload_id = scenario["bucket"], scenario["upload"]
    due = s3_lifecycle.due_after_days(scenario["start"], 7)

    def pending():
        pages = ctx.client("s3").get_paginator("list_multipart_uploads").paginate(Bucket=bucket)
        return [u for page in pages for u in page.get("Uploads", []) if u["UploadId"] == upload_id]

    _go_to(ctx, due - dt.timedelta(hours=12))
    ctx.expect(pending(), f"the multipart upload of {UPLOAD_KEY} was aborted before day {_day(ctx, due)} "
                          "(it was started on day 0: 7 days means day 8)")
    _go_to(ctx, due + dt.timedelta(hours=1))
    ctx.expect(not pending(), f"on day {_day(ctx, due)} the multipart upload of {UPLOAD_KEY} started on day 0 is "
                              "still there, parts and all: nothing aborts incomplete uploads after 7 days")
    aborted = _events(ctx, bucket, s3_lifecycle.ABORT_MULTIPART, UPLOAD_KEY)
    if aborted:
        ctx.note(f"aborted on day {_day(ctx, aborted[0].at)} by rule {aborted[0].rule_id!r}")


@check("logs/ objects move to STANDARD_IA after 30 days", points=2,
       hint="A Transition names a StorageClass and a number of Days counted from when the object was written.",
       requires=["virtual_time", "s3_storage_class_in_place"])
def transition_to_ia(ctx):
    _judge_transition(ctx, ctx.use(lifecycle), "STANDARD_IA", 30)


@check("noncurrent versions expire after 30 days, keeping the 2 newest", points=3,
       hint="Expiration acts on the current version of an object. Old versions have actions of their own, "
            "counted from the day each one stopped being current.", requires=["virtual_time"])
def noncurrent_expire(ctx):
    scenario = ctx.use(lifecycle)
    bucket = scenario["bucket"]
    v1, v2, v3, v4, v5 = scenario["reports"]
    due = s3_lifecycle.due_after_days(scenario["reports_written"][v3], 30)  # v2 became noncurrent when v3 was written
    _go_to(ctx, due + dt.timedelta(hours=1))
    now = {entry["VersionId"]: entry for entry in _history(ctx, bucket, REPORTS_KEY)}
    ctx.expect(v5 in now and now[v5]["IsLatest"] and not now[v5]["IsDeleteMarker"],
               f"on day {_day(ctx, due)} the current version of {REPORTS_KEY} (written on day 0) is no longer "
               f"current: {_marker_story(ctx, bucket, REPORTS_KEY, v5)}")
    kept = [v for v in (v4, v3) if v not in now]
    ctx.expect(not kept, f"the 2 newest noncurrent versions of {REPORTS_KEY} must stay, but "
                         f"{', '.join(_short(v) for v in kept)} were deleted")
    stayed = [v for v in (v2, v1) if v in now]
    ctx.expect(not stayed, f"on day {_day(ctx, due)}, {len(stayed)} of the 2 oldest noncurrent versions of "
                           f"{REPORTS_KEY} are still there (noncurrent for 30 days, and 2 newer noncurrent "
                           "versions exist): nothing expires noncurrent versions")
    expired = _events(ctx, bucket, s3_lifecycle.EXPIRE_NONCURRENT, REPORTS_KEY)
    late_or_early = [e for e in expired if e.at != due]
    ctx.expect(not late_or_early, f"noncurrent versions of {REPORTS_KEY} expired on day "
                                  f"{_day(ctx, late_or_early[0].at) if late_or_early else 0}, expected day "
                                  f"{_day(ctx, due)} (30 days after they became noncurrent)")
    ctx.note(f"on day {_day(ctx, due)} versions v1 and v2 of {REPORTS_KEY} expired; v3, v4 (noncurrent) and v5 "
             "(current) stay")


def _marker_story(ctx, bucket: str, key: str, version_id: str) -> str:
    events = _events(ctx, bucket, s3_lifecycle.EXPIRE_CURRENT, key, version_id)
    if not events:
        return "it was deleted"
    event = events[0]
    return (f"rule {event.rule_id!r} added a delete marker on day {_day(ctx, event.at)}. That is what Expiration "
            "does: it acts on current versions; old versions have NoncurrentVersionExpiration")


@check("logs/ objects move to GLACIER after 90 days", points=2,
       hint="One rule may hold several Transitions, each with its own Days and StorageClass.",
       requires=["virtual_time", "s3_storage_class_in_place"])
def transition_to_glacier(ctx):
    _judge_transition(ctx, ctx.use(lifecycle), "GLACIER", 90)


@check("objects outside logs/ keep their storage class", points=2,
       hint="A rule's Filter decides which objects it applies to; an empty Filter means the whole bucket.",
       requires=["virtual_time", "s3_storage_class_in_place"])
def only_logs_move(ctx):
    scenario = ctx.use(lifecycle)
    bucket = scenario["bucket"]
    _go_to(ctx, s3_lifecycle.due_after_days(scenario["start"], 90) + dt.timedelta(hours=1))
    seen = _version(ctx, bucket, DATA_KEY, scenario["data"])
    ctx.expect(seen is not None, f"{DATA_KEY} (version {_short(scenario['data'])}) was deleted")
    moved = [e for e in _engine(ctx).events(bucket)
             if e.kind == s3_lifecycle.TRANSITION and not e.key.startswith("logs/")]
    ctx.expect(seen.get("StorageClass", "STANDARD") == "STANDARD" and not moved,
               f"{DATA_KEY} (200 KB, not under logs/) was moved to "
               f"{moved[0].action.storage_class if moved else seen.get('StorageClass')} by rule "
               f"{moved[0].rule_id if moved else '?'!r}: the tiering rule applies to more than logs/")


@check("logs/ objects expire after 365 days: a delete marker on top", points=2,
       hint="In a versioned bucket, expiring the current version does not destroy it: S3 adds a delete "
            "marker and the old version stays, noncurrent.", requires=["virtual_time"])
def current_expiry(ctx):
    scenario = ctx.use(lifecycle)
    bucket, version_id = scenario["bucket"], scenario["logs"]
    try:
        created = _version(ctx, bucket, LOGS_KEY, version_id)
        ctx.expect(created is not None, f"the day-0 version of {LOGS_KEY} is gone: a rule deleted it permanently")
        due = s3_lifecycle.due_after_days(created["LastModified"], 365)
        _go_to(ctx, due + dt.timedelta(hours=1))
        history = _history(ctx, bucket, LOGS_KEY)
        expired = _events(ctx, bucket, s3_lifecycle.EXPIRE_CURRENT, LOGS_KEY, version_id)
        if expired and expired[0].at < due:
            hidden = expired[0]
            replay = _replay_without(ctx, bucket, hidden.rule_id, LOGS_KEY, created, due + dt.timedelta(hours=1))
            if any(e.kind == s3_lifecycle.EXPIRE_CURRENT and e.at == due for e in replay):
                ctx.note(f"rule {hidden.rule_id!r} already expired {LOGS_KEY} on day {_day(ctx, hidden.at)}; "
                         f"without that rule your configuration expires it on day {_day(ctx, due)}, which is what "
                         "this check is about (another check judges that rule)")
                return
            ctx.fail(f"{LOGS_KEY} expired on day {_day(ctx, hidden.at)} (rule {hidden.rule_id!r}), "
                     f"expected day {_day(ctx, due)}: 365 days after it was written")
        ctx.expect(history and history[0]["IsDeleteMarker"],
                   f"on day {_day(ctx, due)} the current version of {LOGS_KEY} is still the object written on day 0: "
                   "nothing expires logs/ objects after 365 days")
        ctx.expect(_day(ctx, history[0]["LastModified"]) == _day(ctx, due),
                   f"the delete marker on {LOGS_KEY} dates from day {_day(ctx, history[0]['LastModified'])}, "
                   f"expected day {_day(ctx, due)}")
        ctx.expect(any(v["VersionId"] == version_id for v in history[1:]),
                   f"the day-0 version of {LOGS_KEY} is gone; expiry in a versioned bucket keeps it, noncurrent")
        ctx.note(f"day {_day(ctx, due)}: a delete marker now hides {LOGS_KEY}; the old version stays, noncurrent, "
                 "until the noncurrent rule deletes it")
    finally:
        timeline = _engine(ctx).timeline(bucket)
        if timeline is not None:
            ctx.show("What lifecycle did to the graded bucket", lifecycle_timeline(timeline))

