"""Wrong answer for the iam_policy lab: the boundary allows every service in us-east-1."""

def boundary():
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3AndSqsInUsEast1",
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
            }
        ],
    }
