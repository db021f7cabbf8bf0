"""SNS subscription filter policies and SNS-to-SQS delivery formats, as pure functions.

The gateway's SNS fan-out uses them per subscription: validate the FilterPolicy when it is set,
decide with `matches` (and say why with `explain_match`), then build the SQS message with
`sqs_delivery`. The rules are in shared/aws-rules/sns_filter_and_delivery.md; comments cite them
by number (R2.3, ...).
"""

from awslab.models.sns_delivery.envelope import (
    MAX_RAW_SQS_ATTRIBUTES,
    SqsDelivery,
    envelope_attributes,
    format_timestamp,
    message_for_protocol,
    raw_sqs_message_attributes,
    sns_envelope,
    sqs_delivery,
    string_to_sign,
)
from awslab.models.sns_delivery.matching import KeyCheck, MatchExplanation, explain_match, matches
from awslab.models.sns_delivery.policy import (
    FilterPolicyError,
    complexity,
    expand,
    validate_filter_policy,
    validate_scope,
)

__all__ = [
    "MAX_RAW_SQS_ATTRIBUTES",
    "FilterPolicyError",
    "KeyCheck",
    "MatchExplanation",
    "SqsDelivery",
    "complexity",
    "envelope_attributes",
    "expand",
    "explain_match",
    "format_timestamp",
    "matches",
    "message_for_protocol",
    "raw_sqs_message_attributes",
    "sns_envelope",
    "sqs_delivery",
    "string_to_sign",
    "validate_filter_policy",
    "validate_scope",
]
