"""simulate, the engine's loop over plan, and the timeline a person reads."""

from datetime import timedelta

from hypothesis import given, settings, strategies as st
from lifecycle_builders import bucket, lifecycle, marker, rule, utc, version
from rich.console import Console

from awslab.models.s3_lifecycle import (
    BucketSnapshot,
    apply_action,
    midnights_between,
    plan,
    simulate,
)
from awslab.pictures.s3_lifecycle import explain, render_timeline

CREATED = utc(2025, 1, 1, 10, 30)

LOGS = lifecycle(
    rule("logs-tiering", filter={"Prefix": "logs/"},
         Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
         Expiration={"Days": 365}),
)


def as_text(renderable) -> str:
    console = Console(width=160, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_simulate_walks_an_object_down_the_waterfall_then_deletes_it():
    timeline = simulate(LOGS, bucket(version("logs/app.log", created=CREATED)), CREATED + timedelta(days=400))
    assert [(e.at, e.what) for e in timeline.events] == [
        (utc(2025, 2, 1), "moved to STANDARD_IA"),
        (utc(2025, 4, 2), "moved to GLACIER"),
        (utc(2026, 1, 2), "permanently deleted"),
    ]
    assert timeline.final.versions == ()
    assert timeline.initial.versions[0].storage_class == "STANDARD"


def test_timeline_shows_day_numbers_classes_and_rules():
    text = as_text(explain(LOGS, bucket(version("logs/app.log", created=CREATED),
                                        version("readme.txt", created=CREATED)), days=400, start=CREATED))
    assert "day 0 = 2025-01-01" in text
    assert "day 31  2025-02-01  → moved to STANDARD_IA  (rule logs-tiering)" in text
    assert "day 366 2026-01-02  → permanently deleted  (rule logs-tiering)" in text
    assert "readme.txt" in text and "nothing happens in this window" in text


def test_timeline_hangs_events_of_an_added_delete_marker_under_it():
    config = lifecycle(rule("expire", Expiration={"Days": 1}, NoncurrentVersionExpiration={"NoncurrentDays": 1}),
                       rule("markers", Expiration={"ExpiredObjectDeleteMarker": False}))
    snapshot = bucket(version(version_id="v1", created=CREATED), versioning="Enabled")
    text = as_text(render_timeline(simulate(config, snapshot, utc(2025, 1, 31))))
    assert "delete marker marker-1 · added day 2 (2025-01-03) by rule 'expire'" in text
    # The marker is alone once v1 is gone (01-05), and removed at the run after (R4.4, Days=1).
    assert "day 4   2025-01-05  → permanently deleted  (rule expire)" in text
    assert "day 5   2025-01-06  → expired delete marker removed  (rule expire)" in text


def engine_loop(config, snapshot, start, until):
    """What the engine does: at every midnight, plan on a fresh snapshot, then apply each action."""
    happened = []
    for midnight in midnights_between(start, until):
        for action in plan(config, snapshot, midnight):
            snapshot = apply_action(snapshot, action, at=midnight, new_version_id=f"dm-{midnight:%j}")
            happened.append((midnight, action.kind, action.key, action.version_id, action.rule_id))
    return happened


MIXED = lifecycle(
    rule("tier", filter={"Prefix": "a/"}, Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}],
         Expiration={"Days": 60}),
    rule("old", NoncurrentVersionExpiration={"NoncurrentDays": 7, "NewerNoncurrentVersions": 1},
         NoncurrentVersionTransitions=[{"NoncurrentDays": 1, "StorageClass": "GLACIER"}]),
    rule("markers", Expiration={"ExpiredObjectDeleteMarker": True},
         AbortIncompleteMultipartUpload={"DaysAfterInitiation": 3}),
)


def test_plan_at_each_midnight_gives_the_same_events_as_simulate():
    snapshot = bucket(version("a/x", "v1", utc(2025, 1, 1, 9)), version("a/x", "v2", utc(2025, 1, 5, 9)),
                      version("a/x", "v3", utc(2025, 1, 9, 9)), version("b/y", "v1", utc(2025, 1, 2, 9)),
                      marker("b/y", "dm", utc(2025, 1, 3, 9)), versioning="Enabled")
    until = utc(2025, 6, 1)
    timeline = simulate(MIXED, snapshot, until, start=utc(2025, 1, 9, 9))
    assert engine_loop(MIXED, snapshot, utc(2025, 1, 9, 9), until) == [
        (e.at, e.kind, e.key, e.version_id, e.rule_id) for e in timeline.events
    ]
    assert len(timeline.events) > 5


versions_strategy = st.lists(
    st.tuples(st.sampled_from(["a/x", "a/y", "b/z"]), st.integers(0, 40), st.booleans(),
              st.sampled_from([10, 200_000])),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(versions_strategy, st.sampled_from(["Unversioned", "Enabled", "Suspended"]), st.integers(1, 120))
def test_simulating_in_two_halves_equals_simulating_at_once(entries, versioning, split_day):
    """Resuming from a snapshot mid-way changes nothing: the engine may stop and re-snapshot any night."""
    start = utc(2025, 1, 1, 12)
    versions, seen = [], set()
    for index, (key, hour, is_marker, size) in enumerate(entries):
        created = start + timedelta(hours=hour * 7 + index)
        if versioning == "Unversioned":
            if key in seen:
                continue
            seen.add(key)
            versions.append(version(key, "null", created, size=size))
        elif is_marker:
            versions.append(marker(key, f"m{index}", created))
        else:
            versions.append(version(key, f"v{index}", created, size=size))
    snapshot = BucketSnapshot(versioning=versioning, versions=tuple(versions))
    begin = max([v.last_modified for v in versions], default=start)
    middle, until = begin + timedelta(days=split_day), begin + timedelta(days=150)

    whole = simulate(MIXED, snapshot, until, start=begin)
    first = simulate(MIXED, snapshot, middle, start=begin)
    second = simulate(MIXED, first.final, until, start=middle)

    def shape(events):
        return [(e.at, e.kind, e.key, e.rule_id, e.action.storage_class) for e in events]

    assert shape(whole.events) == shape(first.events) + shape(second.events)


def test_noncurrent_time_survives_the_removal_of_its_successor():
    """v1 became noncurrent when v2 was written; deleting v2 must not restart v1's clock."""
    earlier = bucket(version(version_id="v1", created=utc(2025, 1, 1, 9)),
                     version(version_id="v2", created=utc(2025, 1, 2, 9)),
                     version(version_id="v3", created=utc(2025, 3, 1, 9)), versioning="Enabled")
    after_delete = bucket(version(version_id="v1", created=utc(2025, 1, 1, 9)),
                          version(version_id="v3", created=utc(2025, 3, 1, 9)), versioning="Enabled")
    assert after_delete.history("doc.txt")[1].noncurrent_since == utc(2025, 3, 1, 9)
    carried = after_delete.with_noncurrent_times_from(earlier)
    assert carried.history("doc.txt")[1].noncurrent_since == utc(2025, 1, 2, 9)


def flat(renderable) -> str:
    return " ".join(as_text(renderable).split())


def test_timeline_says_why_an_object_under_128_kib_is_not_transitioned():
    text = flat(explain(LOGS, bucket(version("logs/small.log", created=CREATED, size=1000)), days=100, start=CREATED))
    assert "→ moved to" not in text
    assert "not moved to STANDARD_IA, GLACIER by rule 'logs-tiering'" in text
    assert "since September 2024 S3 does not transition objects under 128 KiB" in text
    assert "lifecycle-transition-general-considerations.html" in text


def test_timeline_under_varies_by_storage_class_names_only_the_classes_skipped():
    config = dict(LOGS, TransitionDefaultMinimumObjectSize="varies_by_storage_class")
    text = flat(explain(config, bucket(version("logs/small.log", created=CREATED, size=1000)), days=100, start=CREATED))
    assert "→ moved to GLACIER" in text
    assert "not moved to STANDARD_IA by rule 'logs-tiering'" in text and "varies_by_storage_class" in text


def test_timeline_adds_no_size_note_for_a_large_object_or_a_rule_with_a_size_filter():
    sized = lifecycle(rule("sized", filter={"ObjectSizeGreaterThan": 10},
                           Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}]))
    assert "128 KiB" not in as_text(explain(LOGS, bucket(version("logs/big.log", created=CREATED, size=200_000)),
                                            days=100, start=CREATED))
    text = flat(explain(sized, bucket(version("a", created=CREATED, size=1000)), days=100, start=CREATED))
    assert "→ moved to STANDARD_IA" in text and "128 KiB" not in text
