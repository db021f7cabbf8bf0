"""BucketSnapshot.from_boto3: the snapshot the engine takes of a real (emulated) bucket."""

import boto3
import pytest
from lifecycle_builders import lifecycle, rule
from moto import mock_aws

from awslab.models.s3_lifecycle import BucketSnapshot, plan


@pytest.fixture
def s3(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="lab")
        yield client


def take_snapshot(s3):
    listing = s3.list_object_versions(Bucket="lab")
    tags = {
        (v["Key"], v["VersionId"]): {
            t["Key"]: t["Value"]
            for t in s3.get_object_tagging(Bucket="lab", Key=v["Key"], VersionId=v["VersionId"])["TagSet"]
        }
        for v in listing.get("Versions", [])
    }
    return BucketSnapshot.from_boto3(
        versioning=s3.get_bucket_versioning(Bucket="lab"),
        listing=listing,
        uploads=s3.list_multipart_uploads(Bucket="lab"),
        tags=tags,
        bucket="lab",
    )


def test_unversioned_bucket_snapshot_has_null_versions(s3):
    s3.put_object(Bucket="lab", Key="a.txt", Body=b"x" * 10, Tagging="env=dev")
    snapshot = take_snapshot(s3)
    [only] = snapshot.versions
    assert snapshot.versioning == "Unversioned"
    assert (only.key, only.version_id, only.size, only.storage_class, dict(only.tags)) == (
        "a.txt", "null", 10, "STANDARD", {"env": "dev"})
    assert only.last_modified.tzinfo is not None


def test_versioned_bucket_snapshot_orders_versions_and_markers(s3):
    s3.put_bucket_versioning(Bucket="lab", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="lab", Key="a.txt", Body=b"1")["VersionId"]
    s3.delete_object(Bucket="lab", Key="a.txt")
    upload = s3.create_multipart_upload(Bucket="lab", Key="big.bin")["UploadId"]
    snapshot = take_snapshot(s3)
    history = snapshot.history("a.txt")
    assert snapshot.versioning == "Enabled"
    assert [(v.is_delete_marker, v.is_latest) for v in history] == [(True, True), (False, False)]
    assert history[1].version_id == first
    assert history[1].noncurrent_since == history[0].last_modified
    assert [(u.key, u.upload_id) for u in snapshot.uploads] == [("big.bin", upload)]


def test_snapshot_feeds_plan(s3):
    s3.put_object(Bucket="lab", Key="a.txt", Body=b"1")
    snapshot = take_snapshot(s3)
    later = snapshot.latest_time().replace(year=snapshot.latest_time().year + 1)
    [action] = plan(lifecycle(rule(Expiration={"Days": 30})), snapshot, later)
    assert (action.kind, action.key) == ("expire_current", "a.txt")
