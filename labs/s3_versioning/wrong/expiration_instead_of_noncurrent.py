"""Wrong answer: Expiration where NoncurrentVersionExpiration was meant. Expiration acts on current versions: every object gets a delete marker after 30 days and old versions are never trimmed. Loses: noncurrent_expire."""

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
                    "Expiration": {"Days": 30},
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
