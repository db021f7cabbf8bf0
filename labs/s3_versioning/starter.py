"""s3_versioning: versioning, undelete, history and lifecycle rules. Read `awslab show s3_versioning` first.

Each function receives a boto3 S3 client (`s3`) that already points at the local AWS.
In your workspace (awslab init), run `awslab check s3_versioning` from any folder inside it to see which checks pass.
"""


def enable_versioning(s3, bucket):
    """Turn versioning on for `bucket`."""
    # TODO


def apply_lifecycle(s3, bucket):
    """Put ONE lifecycle configuration on `bucket` that:
    (a) for keys under logs/: moves objects to STANDARD_IA at 30 days, to GLACIER at 90 days, and
        expires the current version at 365 days;
    (b) for the whole bucket: deletes noncurrent versions 30 days after they became noncurrent,
        always keeping the 2 newest noncurrent versions;
    (c) for the whole bucket: removes expired object delete markers;
    (d) for the whole bucket: aborts incomplete multipart uploads 7 days after they started."""
    # TODO


def undelete(s3, bucket, key):
    """The current version of `key` is a delete marker (maybe several, stacked). Make the newest real
    version current again without uploading anything, and return its VersionId."""
    # TODO
    return None


def version_history(s3, bucket, key):
    """Every version and delete marker of exactly `key` (not of other keys sharing its prefix), newest
    first, as dicts with at least VersionId, IsLatest, IsDeleteMarker and LastModified. A history may
    span many pages."""
    # TODO
    return []
