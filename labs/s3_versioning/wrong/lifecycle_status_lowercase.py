"""Wrong answer: the lifecycle rules' Status is "enabled", not "Enabled"; S3 refuses the document (MalformedXML)."""

def apply_lifecycle(s3, bucket):
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "logs-tiering",
                    "Filter": {"Prefix": "logs/"},
                    "Status": "enabled",
                    "Transitions": [
                        {"Days": 30, "StorageClass": "STANDARD_IA"},
                        {"Days": 90, "StorageClass": "GLACIER"},
                    ],
                    "Expiration": {"Days": 365},
                },
                {
                    "ID": "old-versions",
                    "Filter": {},
                    "Status": "enabled",
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2},
                },
                {
                    # ExpiredObjectDeleteMarker cannot share an Expiration with Days: a rule of its own.
                    "ID": "cleanup",
                    "Filter": {},
                    "Status": "enabled",
                    "Expiration": {"ExpiredObjectDeleteMarker": True},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                },
            ]
        },
    )
