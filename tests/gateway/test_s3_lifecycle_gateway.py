"""S3 lifecycle executed by the gateway on virtual time, seen through boto3: what moto only stores,
awslab runs (transitions, expirations, delete markers, noncurrent expiry, multipart aborts)."""

from __future__ import annotations

import datetime as dt

import botocore.exceptions
import pytest

from awslab.clock import VirtualClock
from awslab.models.s3_lifecycle import due_after_days

BIG = 200 * 1024
RULES = [
    {"ID": "logs-tiering", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
     "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
     "Expiration": {"Days": 365}},
    {"ID": "old-versions", "Filter": {}, "Status": "Enabled",
     "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2}},
    {"ID": "cleanup", "Filter": {}, "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": True},
     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
]


@pytest.fixture
def s3(fresh_aws):
    return fresh_aws.client("s3")


@pytest.fixture
def bucket(fresh_aws, s3):
    s3.create_bucket(Bucket="lifecycle-lab")
    s3.put_bucket_versioning(Bucket="lifecycle-lab", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket="lifecycle-lab", LifecycleConfiguration={"Rules": RULES})
    return "lifecycle-lab"


def put(aws, s3, bucket, key, body):
    aws.clock.advance(seconds=1)
    return s3.put_object(Bucket=bucket, Key=key, Body=body)


def versions(s3, bucket, key):
    page = s3.list_object_versions(Bucket=bucket, Prefix=key)
    found = [dict(v, IsDeleteMarker=False) for v in page.get("Versions", []) if v["Key"] == key]
    found += [dict(m, IsDeleteMarker=True) for m in page.get("DeleteMarkers", []) if m["Key"] == key]
    return sorted(found, key=lambda v: (v["IsLatest"], v["LastModified"]), reverse=True)


def storage_class(s3, bucket, key, version_id):
    return next(v.get("StorageClass") for v in versions(s3, bucket, key) if v["VersionId"] == version_id)


def go_to(aws, moment):
    aws.clock.advance_to(moment + dt.timedelta(hours=1))


def test_logs_object_moves_to_standard_ia_on_day_31_in_place(fresh_aws, s3, bucket):
    written = put(fresh_aws, s3, bucket, "logs/a.log", b"x" * BIG)
    created = versions(s3, bucket, "logs/a.log")[0]["LastModified"]
    due = due_after_days(created, 30)
    go_to(fresh_aws, due - dt.timedelta(days=1))
    assert storage_class(s3, bucket, "logs/a.log", written["VersionId"]) == "STANDARD"
    go_to(fresh_aws, due)
    [only] = versions(s3, bucket, "logs/a.log")
    assert (only["VersionId"], only["StorageClass"], only["LastModified"]) == (written["VersionId"], "STANDARD_IA", created)


def test_logs_object_moves_to_glacier_on_day_91(fresh_aws, s3, bucket):
    written = put(fresh_aws, s3, bucket, "logs/a.log", b"x" * BIG)
    due = due_after_days(fresh_aws.clock.now(), 90)
    go_to(fresh_aws, due)
    assert storage_class(s3, bucket, "logs/a.log", written["VersionId"]) == "GLACIER"
    with pytest.raises(botocore.exceptions.ClientError, match="InvalidObjectState"):
        s3.get_object(Bucket=bucket, Key="logs/a.log")


def test_small_objects_do_not_transition_by_default(fresh_aws, s3, bucket):
    written = put(fresh_aws, s3, bucket, "logs/small.log", b"x" * 1000)
    go_to(fresh_aws, due_after_days(fresh_aws.clock.now(), 90))
    assert storage_class(s3, bucket, "logs/small.log", written["VersionId"]) == "STANDARD"


def test_current_expiry_adds_a_delete_marker_stamped_at_that_midnight(fresh_aws, s3, bucket):
    written = put(fresh_aws, s3, bucket, "logs/a.log", b"log line")
    due = due_after_days(fresh_aws.clock.now(), 365)
    go_to(fresh_aws, due)
    top, old = versions(s3, bucket, "logs/a.log")
    assert top["IsDeleteMarker"] and top["IsLatest"]
    assert top["LastModified"] == due
    assert old["VersionId"] == written["VersionId"] and not old["IsLatest"]


def test_noncurrent_versions_expire_after_30_days_but_the_2_newest_stay(fresh_aws, s3, bucket):
    ids = [put(fresh_aws, s3, bucket, "reports/q.csv", f"v{n}".encode())["VersionId"] for n in range(5)]
    v3_written = versions(s3, bucket, "reports/q.csv")[2]["LastModified"]
    due = due_after_days(v3_written, 30)
    go_to(fresh_aws, due - dt.timedelta(days=1))
    assert len(versions(s3, bucket, "reports/q.csv")) == 5
    go_to(fresh_aws, due)
    assert [v["VersionId"] for v in versions(s3, bucket, "reports/q.csv")] == ids[:1:-1]
    go_to(fresh_aws, due + dt.timedelta(days=200))
    assert len(versions(s3, bucket, "reports/q.csv")) == 3


def test_expired_object_delete_marker_is_removed_at_the_next_midnight(fresh_aws, s3, bucket):
    written = put(fresh_aws, s3, bucket, "tmp/x", b"x")
    fresh_aws.clock.advance(seconds=1)
    s3.delete_object(Bucket=bucket, Key="tmp/x")
    s3.delete_object(Bucket=bucket, Key="tmp/x", VersionId=written["VersionId"])
    assert len(versions(s3, bucket, "tmp/x")) == 1
    fresh_aws.clock.advance(days=1)
    assert versions(s3, bucket, "tmp/x") == []


def test_a_delete_marker_with_versions_beneath_stays(fresh_aws, s3, bucket):
    put(fresh_aws, s3, bucket, "tmp/y", b"y")
    fresh_aws.clock.advance(seconds=1)
    s3.delete_object(Bucket=bucket, Key="tmp/y")
    fresh_aws.clock.advance(days=100)
    assert [v["IsDeleteMarker"] for v in versions(s3, bucket, "tmp/y")] == [True, False]


def test_incomplete_multipart_upload_is_aborted_on_day_8(fresh_aws, s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big.bin")
    due = due_after_days(fresh_aws.clock.now(), 7)
    assert upload["AbortDate"] == due and upload["AbortRuleId"] == "cleanup"
    go_to(fresh_aws, due - dt.timedelta(days=1))
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    go_to(fresh_aws, due)
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_invalid_configuration_is_rejected_with_s3s_error(s3, bucket):
    bad = [{"ID": "too-soon", "Filter": {}, "Status": "Enabled",
            "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}]
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": bad})
    assert raised.value.response["Error"]["Code"] == "InvalidArgument"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == RULES  # the old one stands


def test_expired_object_delete_marker_next_to_days_is_rejected(s3, bucket):
    bad = [{"ID": "mixed", "Filter": {}, "Status": "Enabled",
            "Expiration": {"Days": 30, "ExpiredObjectDeleteMarker": True}}]
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": bad})
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_get_answers_the_configuration_as_sent_not_motos_lossy_copy(s3, bucket):
    answer = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert answer["Rules"] == RULES  # NewerNoncurrentVersions survives the round trip
    assert answer["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"


def test_size_filters_survive_the_round_trip(s3, bucket):
    rules = [{"ID": "big", "Status": "Enabled", "Expiration": {"Days": 10},
              "Filter": {"And": {"Prefix": "x/", "ObjectSizeGreaterThan": 1024, "ObjectSizeLessThan": 4096}}}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules


def test_the_request_log_keeps_what_the_learner_sent(fresh_aws, bucket):
    [put_call] = fresh_aws.log.calls("s3", "PutBucketLifecycleConfiguration", source="grader")
    assert put_call.params["LifecycleConfiguration"]["Rules"] == RULES
    assert put_call.notes["lifecycle_rules"] == ["logs-tiering", "old-versions", "cleanup"]


def test_deleting_the_configuration_stops_lifecycle(fresh_aws, s3, bucket):
    written = put(fresh_aws, s3, bucket, "logs/a.log", b"x" * BIG)
    s3.delete_bucket_lifecycle(Bucket=bucket)
    fresh_aws.clock.advance(days=40)
    assert storage_class(s3, bucket, "logs/a.log", written["VersionId"]) == "STANDARD"


def test_the_engine_records_events_and_a_timeline(fresh_aws, s3, bucket):
    put(fresh_aws, s3, bucket, "logs/a.log", b"x" * BIG)
    fresh_aws.clock.advance(days=400)
    engine = fresh_aws.gateway.behaviour("s3_lifecycle")
    kinds = [(event.kind, event.action.storage_class) for event in engine.events(bucket)]
    assert kinds == [("transition", "STANDARD_IA"), ("transition", "GLACIER"), ("expire_current", None)]
    timeline = engine.timeline(bucket)
    assert timeline.events_for("logs/a.log")[-1].new_version_id is not None


def test_a_reset_forgets_every_configuration(fresh_aws, s3, bucket):
    fresh_aws.reset()
    assert fresh_aws.gateway.behaviour("s3_lifecycle").configuration(bucket) is None


def test_a_year_of_lifecycle_takes_little_wall_time(fresh_aws, s3, bucket):
    import time

    for n in range(10):
        put(fresh_aws, s3, bucket, f"logs/{n}.log", b"x" * BIG)
    started = time.perf_counter()
    fresh_aws.clock.advance(days=400)
    assert time.perf_counter() - started < 5


def test_clock_halts_at_the_stops_listeners_name():
    clock = VirtualClock()
    seen = []
    midnight = dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc)
    clock.on_advance(seen.append, stops=lambda old, new: [midnight, new + dt.timedelta(days=9)])
    end = clock.advance(days=2)
    assert seen == [midnight, end]


def test_moto_server_follows_too_transitions_in_place_and_midnight_markers():
    from awslab.local_aws import LocalAWS

    with LocalAWS("moto-server") as server:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="on-server")
        s3.put_bucket_versioning(Bucket="on-server", VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_lifecycle_configuration(Bucket="on-server", LifecycleConfiguration={"Rules": RULES})
        written = put(server, s3, "on-server", "logs/a.log", b"x" * BIG)
        due = due_after_days(server.clock.now(), 365)
        go_to(server, due)
        top, old = versions(s3, "on-server", "logs/a.log")
    assert top["IsDeleteMarker"] and top["LastModified"] == due
    assert (old["VersionId"], old["StorageClass"]) == (written["VersionId"], "GLACIER")
