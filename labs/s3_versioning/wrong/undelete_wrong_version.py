"""Wrong answer: undelete deletes the newest object version (ignoring the delete markers) instead of the marker above it. Loses: undelete_restores, undelete_stacked."""

def undelete(s3, bucket, key):
    versions = _versions_of(s3, bucket, key)
    newest = next(v for v in versions if not v["IsDeleteMarker"])
    s3.delete_object(Bucket=bucket, Key=key, VersionId=newest["VersionId"])
    return newest["VersionId"]
    for entry in versions:
        if not entry["IsDeleteMarker"]:
            return entry["VersionId"]
        # A delete marker above the newest real version: removing it uncovers what lies below.
        s3.delete_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])
    raise ValueError(f"{key} has no version to restore")
