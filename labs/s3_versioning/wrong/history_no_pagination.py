"""Wrong answer: version_history reads only the first page of list_object_versions. Loses: history_paginated."""

def version_history(s3, bucket, key):
    page = s3.list_object_versions(Bucket=bucket, Prefix=key)
    entries = [{**v, "IsDeleteMarker": False} for v in page.get("Versions", []) if v["Key"] == key]
    entries += [{**m, "IsDeleteMarker": True} for m in page.get("DeleteMarkers", []) if m["Key"] == key]
    entries.sort(key=lambda e: e["LastModified"], reverse=True)
    return [
        {
            "VersionId": entry["VersionId"],
            "IsLatest": entry["IsLatest"],
            "IsDeleteMarker": entry["IsDeleteMarker"],
            "LastModified": entry["LastModified"],
        }
        for entry in entries
    ]
