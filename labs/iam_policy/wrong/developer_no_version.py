"""Wrong answer for the iam_policy lab: no Version, so ${aws:username} is matched as plain text."""

def developer_policy(bucket):
    home = "home/${aws:username}/"
    return {
        "Statement": [
            {
                "Sid": "ListOwnHome",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": [home, home + "*"]}},
            },
            {
                "Sid": "ObjectsInOwnHome",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{home}*",
            },
        ],
    }
