"""Wrong answer: undelete removes only the top delete marker; with two stacked markers the key stays deleted. Loses: undelete_stacked."""

def undelete(s3, bucket, key):
    versions = _versions_of(s3, bucket, key)
    s3.delete_object(Bucket=bucket, Key=key, VersionId=versions[0]["VersionId"])
    return next(v["VersionId"] for v in versions if not v["IsDeleteMarker"])
    for entry in versions:
        if not entry["IsDeleteMarker"]:
            return entry["VersionId"]
        # A delete marker above the newest real version: removing it uncovers what lies below.
        s3.delete_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])
    raise ValueError(f"{key} has no version to restore")
