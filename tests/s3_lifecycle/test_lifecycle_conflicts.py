"""R5.x: several rules (or actions) due for one version on the same run."""

import pytest
from lifecycle_builders import bucket, lifecycle, rule, summary, utc, version

from awslab.models.s3_lifecycle import plan, simulate

CREATED = utc(2025, 1, 1, 10, 30)
DAY_31 = utc(2025, 2, 1)  # CREATED + 30 days, rounded up


def transition_rule(rule_id, storage_class, days=30, **filter_part):
    return rule(rule_id, Transitions=[{"Days": days, "StorageClass": storage_class}], **filter_part)


@pytest.mark.parametrize(
    "classes, chosen",
    [
        pytest.param(["STANDARD_IA", "GLACIER"], "GLACIER", id="R5.3-glacier-over-standard-ia"),
        pytest.param(["GLACIER", "ONEZONE_IA"], "GLACIER", id="R5.3-glacier-over-onezone-ia"),
        pytest.param(["STANDARD_IA", "ONEZONE_IA"], "ONEZONE_IA", id="R5.4-cheaper-ia"),
        pytest.param(["STANDARD_IA", "INTELLIGENT_TIERING"], "INTELLIGENT_TIERING",
                     id="R5.4-intelligent-tiering-over-standard-ia"),
        pytest.param(["ONEZONE_IA", "INTELLIGENT_TIERING"], "INTELLIGENT_TIERING",
                     id="R5.4-intelligent-tiering-over-onezone-ia"),
        pytest.param(["GLACIER_IR", "INTELLIGENT_TIERING"], "INTELLIGENT_TIERING",
                     id="R5.4-intelligent-tiering-over-glacier-ir"),
        pytest.param(["INTELLIGENT_TIERING", "GLACIER"], "GLACIER", id="R5.4-glacier-over-intelligent-tiering"),
        pytest.param(["DEEP_ARCHIVE", "GLACIER", "GLACIER_IR"], "DEEP_ARCHIVE", id="R5.4-deep-archive-cheapest"),
    ],
)
def test_overlapping_transitions_go_to_the_preferred_class(classes, chosen):
    config = lifecycle(*[transition_rule(f"to-{c.lower()}", c) for c in classes])
    [action] = plan(config, bucket(version(created=CREATED)), DAY_31)
    assert (action.kind, action.storage_class, action.rule_id) == ("transition", chosen, f"to-{chosen.lower()}")


def test_permanent_deletion_beats_transition_in_unversioned_bucket():
    """R5.1."""
    config = lifecycle(transition_rule("tier", "GLACIER"), rule("expire", Expiration={"Days": 30}))
    assert summary(plan(config, bucket(version(created=CREATED)), DAY_31)) == [
        ("expire_current", "doc.txt", "null", None, "expire")]


def test_permanent_deletion_beats_transition_for_noncurrent_versions():
    """R5.1."""
    config = lifecycle(
        rule("tier", NoncurrentVersionTransitions=[{"NoncurrentDays": 30, "StorageClass": "GLACIER"}]),
        rule("expire", NoncurrentVersionExpiration={"NoncurrentDays": 30}),
    )
    snapshot = bucket(version(version_id="v1", created=utc(2024, 12, 1)),
                      version(version_id="v2", created=CREATED), versioning="Enabled")
    assert summary(plan(config, snapshot, DAY_31)) == [("expire_noncurrent", "doc.txt", "v1", None, "expire")]


def test_transition_beats_delete_marker_then_marker_follows_next_run():
    """R5.2: in a versioned bucket the transition wins; the expiration is still due the next day."""
    config = lifecycle(transition_rule("tier", "GLACIER"), rule("expire", Expiration={"Days": 30}))
    snapshot = bucket(version(version_id="v1", created=CREATED), versioning="Enabled")
    assert summary(plan(config, snapshot, DAY_31)) == [("transition", "doc.txt", "v1", "GLACIER", "tier")]
    timeline = simulate(config, snapshot, utc(2025, 2, 3))
    assert [(e.at, e.kind, e.rule_id) for e in timeline.events] == [
        (DAY_31, "transition", "tier"),
        (utc(2025, 2, 2), "expire_current", "expire"),
    ]


def test_suspended_null_version_expiration_is_a_permanent_deletion_and_beats_transition():
    """R5.1 with R4.5: the null version is deleted, so deletion wins (an interpretation, see README)."""
    config = lifecycle(transition_rule("tier", "GLACIER"), rule("expire", Expiration={"Days": 30}))
    snapshot = bucket(version(version_id="null", created=CREATED), versioning="Suspended")
    assert [a.kind for a in plan(config, snapshot, DAY_31)] == ["expire_current"]


def test_shorter_expiration_wins():
    """R5.4."""
    config = lifecycle(rule("long", Expiration={"Days": 30}), rule("short", Expiration={"Days": 10}))
    [action] = plan(config, bucket(version(created=CREATED)), DAY_31)
    assert (action.rule_id, action.due) == ("short", utc(2025, 1, 12))


def test_overlapping_filter_rules_each_apply_independently():
    """R5.5: a prefix rule and a tag rule on the same object; each acts when it is due."""
    config = lifecycle(
        transition_rule("logs", "STANDARD_IA", filter={"Prefix": "logs/"}),
        rule("dev", filter={"Tag": {"Key": "env", "Value": "dev"}}, Expiration={"Days": 60}),
    )
    snapshot = bucket(version("logs/a", created=CREATED, tags={"env": "dev"}))
    timeline = simulate(config, snapshot, utc(2025, 12, 31))
    assert [(e.at, e.kind, e.rule_id) for e in timeline.events] == [
        (DAY_31, "transition", "logs"),
        (utc(2025, 3, 3), "expire_current", "dev"),
    ]


def test_transition_already_done_or_upward_is_skipped():
    """R2.10: lifecycle never moves an object up the waterfall or to its own class."""
    config = lifecycle(transition_rule("ia", "STANDARD_IA"), transition_rule("ir", "GLACIER_IR"))
    snapshot = bucket(version(created=CREATED, storage_class="GLACIER"))
    assert plan(config, snapshot, DAY_31) == []


def test_late_run_jumps_straight_to_the_coldest_due_class():
    """A bucket lifecycle has not seen for 100 days: IA and GLACIER are both due; GLACIER wins (R5.3)."""
    config = lifecycle(rule("ladder", Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"},
                                                   {"Days": 90, "StorageClass": "GLACIER"}]))
    assert summary(plan(config, bucket(version(created=CREATED)), utc(2025, 4, 15))) == [
        ("transition", "doc.txt", "null", "GLACIER", "ladder")]
