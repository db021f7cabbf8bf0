"""Wrong answer: undelete deletes the newest object version (ignoring the delete markers) instead of the marker above it. Loses: undelete_restores, undelete_stacked."""



def enable_versioning(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def apply_lifecycle(s3, bucket):
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "logs-tiering",
                    "Filter": {"Prefix": "logs/"},
                    "Status": "Enabled",
                    "Transitions": [
                        {"Days": 30, "StorageClass": "STANDARD_IA"},
                        {"Days": 90, "StorageClass": "GLACIER"},
                    ],
                    "Expiration": {"Days": 365},
                },
                {
                    "ID": "old-versions",
                    "Filter": {},
                    "Status": "Enabled",
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2},
                },
                {
                    # ExpiredObjectDeleteMarker cannot share an Expiration with Days: a rule of its own.
                    "ID": "cleanup",
                    "Filter": {},
                    "Status": "Enabled",
                    "Expiration": {"ExpiredObjectDeleteMarker": True},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                },
            ]
        },
    )


def _versions_of(s3, bucket, key):
    """Every version and delete marker of exactly `key`, newest first."""
    entries = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        for item in page.get("Versions", []):
            if item["Key"] == key:
                entries.append({**item, "IsDeleteMarker": False})
        for item in page.get("DeleteMarkers", []):
            if item["Key"] == key:
                entries.append({**item, "IsDeleteMarker": True})
    entries.sort(key=lambda e: (e["IsLatest"], e["LastModified"]), reverse=True)
    return entries


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


def version_history(s3, bucket, key):
    return [
        {
            "VersionId": entry["VersionId"],
            "IsLatest": entry["IsLatest"],
            "IsDeleteMarker": entry["IsDeleteMarker"],
            "LastModified": entry["LastModified"],
        }
        for entry in _versions_of(s3, bucket, key)
    ]
