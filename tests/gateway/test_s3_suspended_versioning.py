"""Writes to a versioning-suspended bucket replace only the key's null version, as S3 does
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/VersioningSuspendedBehavior.html,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectsfromVersioningSuspendedBuckets.html).
Plain moto removes every version of the key, real ids included, and adds no delete marker."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module", params=["moto", "moto-server"])
def backend(request):
    from awslab.local_aws import LocalAWS

    local = LocalAWS(request.param).start()
    yield local
    local.stop()


@pytest.fixture
def s3(backend):
    backend.reset()
    client = backend.client("s3")
    client.create_bucket(Bucket="suspended-bucket")
    client.put_bucket_versioning(Bucket="suspended-bucket", VersioningConfiguration={"Status": "Enabled"})
    return client


def versions(s3) -> tuple[list, list]:
    listing = s3.list_object_versions(Bucket="suspended-bucket")
    return ([(v["VersionId"], v["IsLatest"]) for v in listing.get("Versions", [])],
            [(m["VersionId"], m["IsLatest"]) for m in listing.get("DeleteMarkers", [])])


def enabled_versions_then_suspend(s3) -> list[str]:
    ids = [s3.put_object(Bucket="suspended-bucket", Key="k", Body=body)["VersionId"] for body in (b"1", b"2")]
    s3.put_bucket_versioning(Bucket="suspended-bucket", VersioningConfiguration={"Status": "Suspended"})
    return ids


def test_delete_on_a_suspended_bucket_adds_a_null_delete_marker_and_keeps_real_versions(s3):
    first, second = enabled_versions_then_suspend(s3)
    answer = s3.delete_object(Bucket="suspended-bucket", Key="k")
    assert (answer.get("DeleteMarker"), answer.get("VersionId")) == (True, "null")
    kept, markers = versions(s3)
    assert sorted(kept) == sorted([(first, False), (second, False)])
    assert markers == [("null", True)]


def test_put_on_a_suspended_bucket_stores_a_null_version_and_keeps_real_versions(s3):
    first, second = enabled_versions_then_suspend(s3)
    assert s3.put_object(Bucket="suspended-bucket", Key="k", Body=b"3").get("VersionId") == "null"
    kept, _ = versions(s3)
    assert sorted(kept) == sorted([(first, False), (second, False), ("null", True)])
    assert s3.get_object(Bucket="suspended-bucket", Key="k")["Body"].read() == b"3"


def test_a_second_write_on_a_suspended_bucket_replaces_the_null_version(s3):
    first, second = enabled_versions_then_suspend(s3)
    s3.put_object(Bucket="suspended-bucket", Key="k", Body=b"3")
    s3.put_object(Bucket="suspended-bucket", Key="k", Body=b"4")
    kept, _ = versions(s3)
    assert sorted(kept) == sorted([(first, False), (second, False), ("null", True)])
    s3.delete_object(Bucket="suspended-bucket", Key="k")
    kept, markers = versions(s3)
    assert sorted(kept) == sorted([(first, False), (second, False)]) and markers == [("null", True)]
    assert s3.get_object(Bucket="suspended-bucket", Key="k", VersionId=second)["Body"].read() == b"2"


def test_get_of_a_key_whose_latest_version_is_a_delete_marker_is_404_naming_the_marker(s3):
    s3.put_object(Bucket="suspended-bucket", Key="gone", Body=b"1")
    marker = s3.delete_object(Bucket="suspended-bucket", Key="gone")["VersionId"]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket="suspended-bucket", Key="gone")
    answer = excinfo.value.response
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert (answer["Error"]["Code"], answer["ResponseMetadata"]["HTTPStatusCode"]) == ("NoSuchKey", 404)
    assert (headers.get("x-amz-delete-marker"), headers.get("x-amz-version-id")) == ("true", marker)


def test_get_of_a_delete_marker_version_is_method_not_allowed(s3):
    s3.put_object(Bucket="suspended-bucket", Key="gone", Body=b"1")
    marker = s3.delete_object(Bucket="suspended-bucket", Key="gone")["VersionId"]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket="suspended-bucket", Key="gone", VersionId=marker)
    answer = excinfo.value.response
    assert (answer["Error"]["Code"], answer["ResponseMetadata"]["HTTPStatusCode"]) == ("MethodNotAllowed", 405)
    assert answer["ResponseMetadata"]["HTTPHeaders"].get("x-amz-delete-marker") == "true"


def test_a_buckets_status_is_read_once_and_again_after_it_changes(backend, s3):
    """Each write cost the emulator a GetBucketVersioning; now one per bucket until a call that may
    change the status (PutBucketVersioning, CreateBucket, DeleteBucket) passes."""
    reads = []

    def count(**_):
        reads.append(1)

    internal = backend.gateway.internal_client("s3")
    internal.meta.events.register("before-call.s3.GetBucketVersioning", count)
    try:
        for body in (b"1", b"2", b"3"):
            s3.put_object(Bucket="suspended-bucket", Key="k", Body=body)
        assert len(reads) == 1
        s3.put_bucket_versioning(Bucket="suspended-bucket", VersioningConfiguration={"Status": "Suspended"})
        assert s3.put_object(Bucket="suspended-bucket", Key="k", Body=b"4")["VersionId"] == "null"
        s3.put_object(Bucket="suspended-bucket", Key="k", Body=b"5")
        assert len(reads) == 2
    finally:
        internal.meta.events.unregister("before-call.s3.GetBucketVersioning", count)
