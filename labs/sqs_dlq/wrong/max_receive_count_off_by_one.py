"""Wrong answer for the sqs_dlq lab: maxReceiveCount is 4 (the first try plus 3 retries)."""

import json

MAX_RECEIVES = 4  # the first try plus 3 retries
