"""Wrong answer for the iam_policy lab: the boundary allows S3 and SQS in every region."""

def boundary():
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3AndSqsInUsEast1",
                "Effect": "Allow",
                "Action": ["s3:*", "sqs:*"],
                "Resource": "*",
            }
        ],
    }
