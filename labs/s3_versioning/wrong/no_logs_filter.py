"""Wrong answer: the tiering rule has no logs/ filter, so every big object moves to STANDARD_IA and GLACIER. Loses: only_logs_move."""

def apply_lifecycle(s3, bucket):
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "logs-tiering",
                    "Filter": {},
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
