"""A call a behaviour rewrites (`AwsCall.with_params`) is serialised by the service's model as AWS
publishes it, whatever botocore did to its clients' copies.

botocore rewrites an S3 client's operation model on the first call of each operation (`/{Bucket}?versions`
becomes `?versions`, the bucket going into the endpoint); with one model loader per process
(awslab.service_models) the gateway saw that rewrite, and a ListObjectVersions given small pages went
to the emulator without its bucket: the learner got an empty list (s3_versioning scored 18/23).
"""

from __future__ import annotations


def test_small_pages_of_object_versions_after_a_client_listed_them(fresh_aws):
    s3 = fresh_aws.client("s3")
    s3.create_bucket(Bucket="rewritten-calls")
    s3.put_bucket_versioning(Bucket="rewritten-calls", VersioningConfiguration={"Status": "Enabled"})
    for body in (b"v1", b"v2", b"v3"):
        s3.put_object(Bucket="rewritten-calls", Key="docs/guide.md", Body=body)
    assert len(s3.list_object_versions(Bucket="rewritten-calls")["Versions"]) == 3  # botocore edits its model now
    fresh_aws.settings["page_size"] = 2
    page = s3.list_object_versions(Bucket="rewritten-calls", Prefix="docs/guide.md")
    assert len(page["Versions"]) == 2 and page["IsTruncated"] is True
