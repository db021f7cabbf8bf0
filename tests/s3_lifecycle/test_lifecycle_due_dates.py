"""R1.x: when an action is due (creation or noncurrent time + N days, rounded up to midnight UTC)."""

from datetime import timedelta

import pytest
from lifecycle_builders import bucket, lifecycle, marker, rule, summary, utc, version

from awslab.models.s3_lifecycle import due_after_days, midnights_between, plan


@pytest.mark.parametrize(
    "start, days, due",
    [
        pytest.param(utc(2014, 1, 15, 10, 30), 3, utc(2014, 1, 19), id="R1.1-doc-example"),
        pytest.param(utc(2025, 1, 1, 0, 0, 1), 1, utc(2025, 1, 3), id="R1.1-just-after-midnight"),
        pytest.param(utc(2025, 1, 1, 23, 59, 59), 1, utc(2025, 1, 3), id="R1.1-just-before-midnight"),
        pytest.param(utc(2025, 1, 1, 10, 30), 0, utc(2025, 1, 2), id="R1.6-zero-days-next-midnight"),
        pytest.param(utc(2024, 2, 28, 12), 1, utc(2024, 3, 1), id="R1.1-leap-day"),
        pytest.param(utc(2025, 12, 31, 8), 365, utc(2027, 1, 1), id="R1.1-a-year"),
        pytest.param(utc(2014, 1, 2, 11, 30), 5, utc(2014, 1, 8), id="R1.3-doc-example-noncurrent"),
    ],
)
def test_due_time_is_start_plus_days_rounded_up_to_next_midnight_utc(start, days, due):
    assert due_after_days(start, days) == due


def test_due_time_of_an_aware_non_utc_start_is_computed_in_utc():
    from datetime import timezone

    paris = timezone(timedelta(hours=1))
    # 2014-01-15 00:30 in Paris is 2014-01-14 23:30 UTC.
    assert due_after_days(utc(2014, 1, 15, 0, 30).replace(tzinfo=paris), 3) == utc(2014, 1, 18)


def test_expiration_doc_example_is_not_due_the_moment_before_and_due_at_midnight():
    config = lifecycle(rule(Expiration={"Days": 3}))
    snapshot = bucket(version(created=utc(2014, 1, 15, 10, 30)))
    assert plan(config, snapshot, utc(2014, 1, 18, 23, 59, 59)) == []
    assert summary(plan(config, snapshot, utc(2014, 1, 19))) == [
        ("expire_current", "doc.txt", "null", None, "r1")
    ]


def test_noncurrent_clock_starts_when_the_successor_was_created_doc_example():
    """R1.3: v111111 created 2014-01-01 10:30, delete marker 2014-01-02 11:30, NoncurrentDays=5."""
    config = lifecycle(rule(NoncurrentVersionExpiration={"NoncurrentDays": 5}))
    snapshot = bucket(
        version(version_id="v111111", created=utc(2014, 1, 1, 10, 30)),
        marker(created=utc(2014, 1, 2, 11, 30)),
        versioning="Enabled",
    )
    assert plan(config, snapshot, utc(2014, 1, 7, 23, 59)) == []
    assert summary(plan(config, snapshot, utc(2014, 1, 8))) == [
        ("expire_noncurrent", "doc.txt", "v111111", None, "r1")
    ]


def test_noncurrent_version_expires_30_days_after_overwrite():
    config = lifecycle(rule(NoncurrentVersionExpiration={"NoncurrentDays": 30}))
    snapshot = bucket(
        version(version_id="v1", created=utc(2025, 1, 1, 9)),
        version(version_id="v2", created=utc(2025, 3, 1, 9)),
        versioning="Enabled",
    )
    assert plan(config, snapshot, utc(2025, 3, 31)) == []
    assert summary(plan(config, snapshot, utc(2025, 4, 1))) == [
        ("expire_noncurrent", "doc.txt", "v1", None, "r1")
    ]


def test_overwrite_in_unversioned_bucket_restarts_the_clock():
    """R1.2: creation time is Last-Modified; the overwrite is what the snapshot shows."""
    config = lifecycle(rule(Expiration={"Days": 10}))
    overwritten = bucket(version(created=utc(2025, 1, 9, 10)))
    assert plan(config, overwritten, utc(2025, 1, 12)) == []
    assert len(plan(config, overwritten, utc(2025, 1, 20))) == 1


@pytest.mark.parametrize(
    "created, now, due",
    [
        pytest.param(utc(2025, 1, 1, 10), utc(2025, 5, 31, 23), False, id="R1.4-before-the-date"),
        pytest.param(utc(2025, 1, 1, 10), utc(2025, 6, 1), True, id="R1.4-on-the-date"),
        pytest.param(utc(2025, 7, 1, 10), utc(2025, 7, 1, 23), False, id="R1.4-created-later-waits-for-a-run"),
        pytest.param(utc(2025, 7, 1, 10), utc(2025, 7, 2), True, id="R1.4-created-later-expires-next-midnight"),
    ],
)
def test_date_expiration_applies_on_and_after_the_date_to_every_matching_object(created, now, due):
    config = lifecycle(rule(Expiration={"Date": "2025-06-01T00:00:00Z"}))
    actions = plan(config, bucket(version(created=created)), now)
    assert bool(actions) is due


def test_date_in_the_past_makes_every_matching_object_eligible_at_once():
    config = lifecycle(rule(Transitions=[{"Date": utc(2020, 1, 1), "StorageClass": "GLACIER"}]))
    actions = plan(config, bucket(version(created=utc(2025, 1, 1, 10))), utc(2025, 1, 2))
    assert summary(actions) == [("transition", "doc.txt", "null", "GLACIER", "r1")]


def test_lifecycle_runs_are_every_midnight_after_the_start_up_to_until():
    runs = list(midnights_between(utc(2025, 1, 1, 10, 30), utc(2025, 1, 4)))
    assert runs == [utc(2025, 1, 2), utc(2025, 1, 3), utc(2025, 1, 4)]
    assert list(midnights_between(utc(2025, 1, 1), utc(2025, 1, 1, 23))) == []
