"""The one import for lab authors: everything a lab's checks.py may use from awslab.

    from awslab.lab import CheckFailed, LearnerRaised, check, fixture, iam

    @fixture
    def queues(ctx):
        return ctx.learner.create_queues(ctx.learner_client("sqs"), ctx.unique("orders"))

    @check("The main queue hides a received message for 60 s", points=2,
           hint="VisibilityTimeout is a queue attribute, in seconds, as a string.")
    def visibility_timeout_is_60_seconds(ctx):
        url, _ = ctx.use(queues)
        seen = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        ctx.expect_equal(seen.get("VisibilityTimeout"), "60", "VisibilityTimeout of the main queue")

What is here, and nothing else (a test fails when a lab imports any other part of awslab, so the
engine behind these names can change without breaking a lab):

- `check`, `fixture`: the decorators; `CheckContext` is what a check receives (`ctx`): the learner's
  functions (`ctx.learner.NAME(...)`), clients, the clock, the request log, the scenario's settings,
  the simulated behaviours (`ctx.behaviour(name)`) and their meters (`ctx.meter(name)`).
- Verdicts: `CheckFailed` (raised by `ctx.expect...`, `ctx.fail`), `NotApplicable` (the backend
  cannot judge).
- What a learner's function can do instead of returning, as exceptions a check may catch:
  `LearnerError` (any of them), `LearnerRaised` (it raised: `.exc_type`, `.where`), `LearnerTimeout`,
  `LearnerExited`, `LearnerCrashed`, `LearnerLoadError` (the file did not import).
- The models of AWS semantics, to compute what AWS would do: `iam` (evaluate, explain, parse and
  validate policies), `s3_lifecycle`, `dynamodb_capacity`, `sns_delivery`, `vpc` (decide
  a flow through a VPC's network ACLs, security groups and routes from its describe_* answers).
- The pictures a check shows with `ctx.show(title, picture)`: `render_message_lives`,
  `render_fanout`, `render_decision`, `render_denials`, `lifecycle_timeline`, `capacity_chart`,
  `render_flow`, `render_batches`.
"""

from __future__ import annotations

import importlib
from typing import Any

from .grading.checks import CheckContext, CheckFailed, NotApplicable, check, fixture
from .grading.learner_process import (
    LearnerCrashed,
    LearnerError,
    LearnerExited,
    LearnerLoadError,
    LearnerRaised,
    LearnerTimeout,
)

# Imported on first use: a lab pays only for the models and pictures it needs.
_MODELS = {"iam": "awslab.models.iam", "s3_lifecycle": "awslab.models.s3_lifecycle",
           "dynamodb_capacity": "awslab.models.dynamodb_capacity", "sns_delivery": "awslab.models.sns_delivery",
           "vpc": "awslab.models.vpc"}
_PICTURES = ("render_message_lives", "render_fanout", "render_decision", "render_denials", "lifecycle_timeline",
             "capacity_chart", "render_flow", "render_batches")

__all__ = ["CheckContext", "CheckFailed", "LearnerCrashed", "LearnerError", "LearnerExited", "LearnerLoadError",
           "LearnerRaised", "LearnerTimeout", "NotApplicable", "check", "fixture", *_MODELS, *_PICTURES]


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        return importlib.import_module(_MODELS[name])
    if name in _PICTURES:
        return getattr(importlib.import_module("awslab.pictures"), name)
    raise AttributeError(f"awslab.lab has no {name!r}: a lab's checks use only {', '.join(__all__)}")


def __dir__() -> list[str]:
    return sorted(__all__)
