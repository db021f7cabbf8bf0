"""R4.x: what each action does in an unversioned, versioning-enabled and versioning-suspended bucket."""

import pytest
from lifecycle_builders import bucket, lifecycle, marker, rule, summary, utc, version

from awslab.models.s3_lifecycle import MultipartUpload, abort_date, plan, simulate

LATER = utc(2026, 1, 1)
EXPIRE_IN_10_DAYS = lifecycle(rule("expire", Expiration={"Days": 10}))


def keys_and_versions(snapshot):
    return {key: [(v.version_id, v.is_delete_marker) for v in history]
            for key, history in snapshot.histories().items()}


@pytest.mark.parametrize(
    "versioning, current_id, result, after",
    [
        pytest.param("Unversioned", "null", "permanently deleted", [], id="R4.3-unversioned-deletes"),
        pytest.param("Enabled", "v1", "delete marker added; this version becomes noncurrent",
                     [("marker-1", True), ("v1", False)], id="R4.4-enabled-adds-delete-marker"),
        pytest.param("Suspended", "null", "null version permanently deleted, replaced by a null delete marker",
                     [("null", True)], id="R4.5-suspended-null-version-replaced"),
        pytest.param("Suspended", "v1", "null delete marker added; this version becomes noncurrent",
                     [("null", True), ("v1", False)], id="R4.5-suspended-real-version-kept"),
    ],
)
def test_expiration_of_current_version_depends_on_versioning(versioning, current_id, result, after):
    snapshot = bucket(version(version_id=current_id, created=utc(2025, 1, 1, 10)), versioning=versioning)
    [action] = plan(EXPIRE_IN_10_DAYS, snapshot, utc(2025, 1, 12))
    assert (action.kind, action.result) == ("expire_current", result)
    timeline = simulate(EXPIRE_IN_10_DAYS, snapshot, utc(2025, 1, 12))
    assert keys_and_versions(timeline.final).get("doc.txt", []) == after


def test_suspended_expiration_removes_a_noncurrent_null_version_too():
    """R4.2: the null delete marker replaces the null version wherever it is."""
    snapshot = bucket(version(version_id="null", created=utc(2025, 1, 1, 10)),
                      version(version_id="v2", created=utc(2025, 1, 1, 11)),
                      versioning="Suspended")
    timeline = simulate(EXPIRE_IN_10_DAYS, snapshot, utc(2025, 1, 12))
    assert keys_and_versions(timeline.final) == {"doc.txt": [("null", True), ("v2", False)]}


def test_expiration_makes_the_old_version_noncurrent_from_the_moment_the_marker_is_added():
    """R4.4: the noncurrent clock starts at the expiration run, not at creation."""
    config = lifecycle(rule(Expiration={"Days": 10}, NoncurrentVersionExpiration={"NoncurrentDays": 5}))
    snapshot = bucket(version(version_id="v1", created=utc(2025, 1, 1, 10)), versioning="Enabled")
    timeline = simulate(config, snapshot, utc(2025, 2, 1))
    assert [(e.at, e.kind, e.version_id) for e in timeline.events] == [
        (utc(2025, 1, 12), "expire_current", "v1"),
        # The marker is added at 01-12 00:00: v1 is noncurrent from then, + 5 days, rounded up.
        (utc(2025, 1, 18), "expire_noncurrent", "v1"),
        # R4.4: the marker, now alone, goes once it is 10 days old (01-12 + 10, rounded up).
        (utc(2025, 1, 23), "remove_expired_delete_marker", "marker-1"),
    ]


def test_current_delete_marker_with_noncurrent_versions_is_left_alone():
    """R4.4: the current version is already a delete marker and noncurrent versions exist."""
    config = lifecycle(rule(Expiration={"Days": 1}))
    snapshot = bucket(version(version_id="v1", created=utc(2025, 1, 1, 10)),
                      marker(version_id="dm", created=utc(2025, 1, 2, 10)), versioning="Enabled")
    assert plan(config, snapshot, LATER) == []


@pytest.mark.parametrize(
    "expiration, now, removed",
    [
        pytest.param({"Days": 30}, utc(2025, 1, 31), False, id="R4.4-days-marker-not-old-enough"),
        pytest.param({"Days": 30}, utc(2025, 2, 1), True, id="R4.4-days-marker-old-enough"),
        pytest.param({"ExpiredObjectDeleteMarker": True}, utc(2025, 1, 2), True, id="R4.8-next-run"),
        pytest.param({"ExpiredObjectDeleteMarker": False}, LATER, False, id="R4.8-false-does-nothing"),
    ],
)
def test_expired_object_delete_marker_is_removed(expiration, now, removed):
    config = lifecycle(rule(Expiration=expiration))
    snapshot = bucket(marker(version_id="dm", created=utc(2025, 1, 1, 10)), versioning="Enabled")
    assert summary(plan(config, snapshot, now)) == (
        [("remove_expired_delete_marker", "doc.txt", "dm", None, "r1")] if removed else []
    )


def test_expired_object_delete_marker_has_no_effect_while_noncurrent_versions_remain():
    """R4.8."""
    config = lifecycle(rule(Expiration={"ExpiredObjectDeleteMarker": True}))
    snapshot = bucket(version(version_id="v1", created=utc(2025, 1, 1, 9)),
                      marker(version_id="dm", created=utc(2025, 1, 1, 10)), versioning="Enabled")
    assert plan(config, snapshot, LATER) == []


def test_delete_marker_is_removed_the_run_after_its_last_noncurrent_version_expires():
    """R4.7 + R4.8 in sequence: the marker becomes expired only once the versions are gone."""
    config = lifecycle(
        rule("versions", NoncurrentVersionExpiration={"NoncurrentDays": 3}),
        rule("markers", Expiration={"ExpiredObjectDeleteMarker": True}),
    )
    snapshot = bucket(version(version_id="v1", created=utc(2025, 1, 1, 9)),
                      marker(version_id="dm", created=utc(2025, 1, 1, 10)), versioning="Enabled")
    timeline = simulate(config, snapshot, utc(2025, 2, 1))
    assert [(e.at, e.kind, e.version_id, e.rule_id) for e in timeline.events] == [
        (utc(2025, 1, 5), "expire_noncurrent", "v1", "versions"),
        (utc(2025, 1, 6), "remove_expired_delete_marker", "dm", "markers"),
    ]
    assert timeline.final.versions == ()


def test_noncurrent_delete_markers_expire_like_noncurrent_versions():
    config = lifecycle(rule(NoncurrentVersionExpiration={"NoncurrentDays": 1}))
    snapshot = bucket(marker(version_id="dm", created=utc(2025, 1, 1, 9)),
                      version(version_id="v2", created=utc(2025, 1, 1, 10)), versioning="Enabled")
    [action] = plan(config, snapshot, utc(2025, 1, 3))
    assert (action.kind, action.version_id, action.result) == (
        "expire_noncurrent", "dm", "noncurrent delete marker removed")


def test_transition_applies_only_to_the_current_version():
    """R4.6."""
    config = lifecycle(rule(Transitions=[{"Days": 0, "StorageClass": "GLACIER"}]))
    snapshot = bucket(version(version_id="v1", created=utc(2025, 1, 1, 9)),
                      version(version_id="v2", created=utc(2025, 1, 1, 10)), versioning="Enabled")
    assert summary(plan(config, snapshot, LATER)) == [("transition", "doc.txt", "v2", "GLACIER", "r1")]


def test_noncurrent_actions_do_nothing_in_an_unversioned_bucket():
    """R4.6."""
    config = lifecycle(rule(NoncurrentVersionExpiration={"NoncurrentDays": 1},
                            NoncurrentVersionTransitions=[{"NoncurrentDays": 0, "StorageClass": "GLACIER"}]))
    assert plan(config, bucket(version()), LATER) == []


def test_noncurrent_transition_moves_the_noncurrent_version():
    config = lifecycle(rule(NoncurrentVersionTransitions=[{"NoncurrentDays": 30, "StorageClass": "STANDARD_IA"}]))
    snapshot = bucket(version(version_id="v1", created=utc(2025, 1, 1, 9)),
                      version(version_id="v2", created=utc(2025, 1, 10, 9)), versioning="Enabled")
    assert plan(config, snapshot, utc(2025, 2, 9)) == []
    assert summary(plan(config, snapshot, utc(2025, 2, 10))) == [
        ("noncurrent_transition", "doc.txt", "v1", "STANDARD_IA", "r1")]


# R4.7: v1 (oldest) .. v5 noncurrent, v6 current. Version vN was overwritten on January N+1 at 09:00,
# so with NoncurrentDays=10 it is old enough from midnight on January N+12 (rank: v5=1 ... v1=5).
NEWER_NONCURRENT_CASES = [
    pytest.param(2, utc(2025, 1, 12), [], id="R4.7-nothing-old-enough-yet"),
    pytest.param(2, utc(2025, 1, 13), ["v1"], id="R4.7-oldest-old-enough"),
    pytest.param(2, utc(2025, 1, 14), ["v1", "v2"], id="R4.7-two-old-enough"),
    pytest.param(2, utc(2025, 1, 16), ["v1", "v2", "v3"], id="R4.7-keeps-the-2-newest"),
    pytest.param(2, LATER, ["v1", "v2", "v3"], id="R4.7-newest-kept-however-old"),
    pytest.param(4, LATER, ["v1"], id="R4.7-keeps-4"),
    pytest.param(5, LATER, [], id="R4.7-keeps-all-5"),
]


@pytest.mark.parametrize("keep, now, expired", NEWER_NONCURRENT_CASES)
def test_newer_noncurrent_versions_needs_both_rank_and_age(keep, now, expired):
    config = lifecycle(rule(NoncurrentVersionExpiration={"NoncurrentDays": 10, "NewerNoncurrentVersions": keep}))
    snapshot = bucket(*[version(version_id=f"v{n}", created=utc(2025, 1, n, 9)) for n in range(1, 7)],
                      versioning="Enabled")
    assert sorted(a.version_id for a in plan(config, snapshot, now)) == expired


def test_newer_noncurrent_versions_applies_to_noncurrent_transitions_too():
    config = lifecycle(rule(NoncurrentVersionTransitions=[
        {"NoncurrentDays": 0, "StorageClass": "GLACIER", "NewerNoncurrentVersions": 1}]))
    snapshot = bucket(*[version(version_id=f"v{n}", created=utc(2025, 1, n, 9)) for n in range(1, 4)],
                      versioning="Enabled")
    assert summary(plan(config, snapshot, LATER)) == [("noncurrent_transition", "doc.txt", "v1", "GLACIER", "r1")]


ABORT_RULE = rule("abort", filter={"Prefix": "uploads/"}, AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7})


@pytest.mark.parametrize(
    "key, now, aborted",
    [
        pytest.param("uploads/big.bin", utc(2025, 1, 8, 23, 59), False, id="R4.9-not-yet"),
        pytest.param("uploads/big.bin", utc(2025, 1, 9), True, id="R4.9-7-days-after-initiation-rounded-up"),
        pytest.param("other/big.bin", LATER, False, id="R4.9-prefix-filter"),
    ],
)
def test_incomplete_multipart_upload_is_aborted(key, now, aborted):
    snapshot = bucket(uploads=(MultipartUpload(key, "u1", utc(2025, 1, 1, 10, 30)),))
    assert summary(plan(lifecycle(ABORT_RULE), snapshot, now)) == (
        [("abort_multipart", key, "u1", None, "abort")] if aborted else [])


def test_expiration_does_not_remove_incomplete_uploads():
    """R4.9."""
    snapshot = bucket(uploads=(MultipartUpload("doc.txt", "u1", utc(2025, 1, 1, 10)),))
    assert plan(lifecycle(rule(Expiration={"Days": 1})), snapshot, LATER) == []


def test_abort_date_for_a_new_upload_names_the_rule():
    """R4.9: what CreateMultipartUpload returns in x-amz-abort-date / x-amz-abort-rule-id."""
    assert abort_date(lifecycle(ABORT_RULE), "uploads/x", utc(2025, 1, 1, 10, 30)) == (utc(2025, 1, 9), "abort")
    assert abort_date(lifecycle(ABORT_RULE), "elsewhere/x", utc(2025, 1, 1, 10, 30)) is None
