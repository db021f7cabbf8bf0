"""awslab.models.iam: decide an AWS request the way AWS does, and say why.

    from awslab.models.iam import evaluate, Request
    d = evaluate(Request(action="s3:GetObject", resource="arn:aws:s3:::bucket/key",
                         principal="arn:aws:iam::111122223333:user/alice"),
                 identity_policies=[policy])
    d.decision     # "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied"
    d.explain()    # which statements of which policies matched or decided, and why each did not
"""

from awslab.models.iam.condition import OPERATORS
from awslab.models.iam.evaluate import ALLOWED, EXPLICITLY_DENIED, IMPLICITLY_DENIED, evaluate
from awslab.models.iam.explain import Decision, PolicyExplanation, StatementExplanation, StatementRef
from awslab.models.iam.policy import (
    POLICY_KINDS,
    CompiledPolicy,
    PolicyError,
    parse_labelled,
    parse_policy,
    validate,
)
from awslab.models.iam.principal import Caller, parse_caller
from awslab.models.iam.request import Request, RequestError

__all__ = [
    "ALLOWED",
    "EXPLICITLY_DENIED",
    "IMPLICITLY_DENIED",
    "OPERATORS",
    "POLICY_KINDS",
    "Caller",
    "CompiledPolicy",
    "Decision",
    "PolicyError",
    "PolicyExplanation",
    "Request",
    "RequestError",
    "StatementExplanation",
    "StatementRef",
    "evaluate",
    "parse_caller",
    "parse_labelled",
    "parse_policy",
    "validate",
]
