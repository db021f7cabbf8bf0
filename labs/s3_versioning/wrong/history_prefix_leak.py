"""Wrong answer: version_history keeps every key the Prefix matches, so docs/guide.md.bak leaks into docs/guide.md's history. Loses: history_exact."""

def version_history(s3, bucket, key):
    entries = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        entries += [{**v, "IsDeleteMarker": False} for v in page.get("Versions", [])]
        entries += [{**m, "IsDeleteMarker": True} for m in page.get("DeleteMarkers", [])]
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
