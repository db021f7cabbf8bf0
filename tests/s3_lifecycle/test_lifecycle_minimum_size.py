"""R3.x: the 128 KB default minimum object size for transitions (Sept 2024)."""

import pytest
from lifecycle_builders import bucket, lifecycle, rule, utc, version

from awslab.models.s3_lifecycle import plan

KB_128 = 128 * 1024
LATER = utc(2026, 1, 1)


@pytest.mark.parametrize(
    "size, storage_class, setting, moves",
    [
        pytest.param(KB_128 - 1, "GLACIER", None, False, id="R3.1-default-small-object-stays-even-for-glacier"),
        pytest.param(KB_128 - 1, "STANDARD_IA", None, False, id="R3.1-default-small-object-stays"),
        pytest.param(KB_128, "STANDARD_IA", None, True, id="R3.1-exactly-128-kb-moves"),
        pytest.param(KB_128 - 1, "GLACIER", "all_storage_classes_128K", False, id="R3.1-explicit-default"),
        pytest.param(KB_128 - 1, "GLACIER", "varies_by_storage_class", True, id="R3.2-small-to-glacier"),
        pytest.param(KB_128 - 1, "DEEP_ARCHIVE", "varies_by_storage_class", True, id="R3.2-small-to-deep-archive"),
        pytest.param(KB_128 - 1, "STANDARD_IA", "varies_by_storage_class", False, id="R3.2-small-not-to-ia"),
        pytest.param(KB_128 - 1, "INTELLIGENT_TIERING", "varies_by_storage_class", False,
                     id="R3.2-small-not-to-intelligent-tiering"),
        pytest.param(KB_128 - 1, "GLACIER_IR", "varies_by_storage_class", False, id="R3.2-small-not-to-glacier-ir"),
        pytest.param(0, "GLACIER", None, False, id="R3.1-empty-object-stays"),
    ],
)
def test_small_objects_do_not_transition_by_default(size, storage_class, setting, moves):
    extra = {"TransitionDefaultMinimumObjectSize": setting} if setting else {}
    config = lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": storage_class}]), **extra)
    assert bool(plan(config, bucket(version(size=size)), LATER)) is moves


def test_size_filter_on_the_rule_overrides_the_default():
    """R3.3: custom filters take precedence."""
    config = lifecycle(rule(filter={"ObjectSizeGreaterThan": 1024},
                            Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}]))
    assert len(plan(config, bucket(version(size=2048)), LATER)) == 1
    assert plan(config, bucket(version(size=1024)), LATER) == []


def test_noncurrent_transitions_respect_the_minimum_size():
    config = lifecycle(rule(NoncurrentVersionTransitions=[{"NoncurrentDays": 1, "StorageClass": "GLACIER"}]))
    snapshot = bucket(version(version_id="v1", size=100, created=utc(2025, 1, 1, 9)),
                      version(version_id="v2", size=100, created=utc(2025, 1, 2, 9)), versioning="Enabled")
    assert plan(config, snapshot, LATER) == []


def test_expiration_ignores_the_minimum_size():
    """R3.4."""
    config = lifecycle(rule(Expiration={"Days": 1}))
    assert [a.kind for a in plan(config, bucket(version(size=1)), LATER)] == ["expire_current"]
