"""The simulated behaviours, in the order a request meets them.

Adding a behaviour (capacity metering, IAM enforcement, ...) means adding its module to ORDER;
labs never touch this list: they turn behaviours on and tune them through `gateway.settings`.
Each module defines a class whose instances have `name` and `handle(call, forward, gateway)`,
exposed as the module attribute `BEHAVIOUR`.
"""

from __future__ import annotations

import importlib

# First to last: IAM decides before anything happens; KMS refuses key policies AWS would not store; AWS's request limits refuse what it would; an allowed S3 write gets an instant of its own;
# capacity meters what is allowed; the rest shape what reaches the emulator, and correct what moto
# answers where it differs from AWS (sqs_visibility after the long poll, so each virtual second's
# short poll is corrected; sqs_dead_letters after pagination, so it pages what small pages asked).
# lambda_sqs serves SQS event source mappings (its pollers' requests go through the whole chain).
ORDER = ("iam_enforcement", "kms_key_policy", "request_limits", "s3_write_order", "s3_suspended_versioning", "s3_delete_markers", "s3_lifecycle", "dynamodb_capacity", "sns_delivery",
         "lambda_sqs", "sqs_long_poll", "sqs_visibility", "pagination", "sqs_dead_letters")


def default_behaviours() -> list:
    return [importlib.import_module(f".{name}", __package__).BEHAVIOUR() for name in ORDER]
