"""Wrong answer for the iam_policy lab: ListBucket without the s3:prefix condition (lists every home)."""

def developer_policy(bucket):
    home = "home/${aws:username}/"
    return {
        "Version": "2012-10-17",  # without it, ${aws:username} is plain text
        "Statement": [
            {
                "Sid": "ListOwnHome",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "ObjectsInOwnHome",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{home}*",
            },
        ],
    }
