from __future__ import annotations

import datetime as dt
from typing import ClassVar

# The services a backend may serve, as features: a lab's check of one is not applicable where it lacks it.
SERVICE_NAMES = {"s3": "S3", "sqs": "SQS", "sns": "SNS", "dynamodb": "DynamoDB", "iam": "IAM and STS"}
SERVICE_FEATURES = frozenset(SERVICE_NAMES)

# What a backend can do beyond storing API state. Checks declare the features they need; a check
# whose feature the backend lacks is reported "not applicable" with the reason, never passed.
FEATURES = {
    "virtual_time": "the emulator's own clock follows awslab's virtual clock (SQS visibility, timestamps)",
    "s3_storage_class_in_place": "changing an object version's storage class in place, as an S3 lifecycle "
                                 "transition does (same version id, same Last-Modified)",
    "moto_state": "editing the emulator's own state where its API cannot express AWS's behaviour (awslab's "
                  "corrections of moto's deviations: SQS visibility, S3 versioning on suspended buckets)",
    "sqs_attributes_by_name": "GetQueueAttributes computes only the attributes asked for (moto_sqs_attributes.py; "
                              "moto's own computes them all, message counts included, for each name)",
    **SERVICE_NAMES,
}


# moto's own settings awslab runs it with, unless the user's environment says otherwise. moto builds
# an account's EC2 region with about 2,600 public AMIs, their snapshots and volumes on first use,
# again after every reset (a second of CPU per grade of a VPC lab); no lab uses a public AMI.
MOTO_SETTINGS = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


def moto_settings(environ) -> dict[str, str]:
    """MOTO_SETTINGS, with any of them the environment already sets left as it is."""
    return {name: environ.get(name, value) for name, value in MOTO_SETTINGS.items()}


class BackendError(Exception):
    """A backend could not start or be reached; the message says what to do."""


class Backend:
    name: ClassVar[str] = "?"
    account_id: ClassVar[str] = "123456789012"
    region: str = "us-east-1"
    features: frozenset[str] = frozenset()
    # True when the emulator runs inside this process and so follows a process-wide time travel.
    follows_process_clock: ClassVar[bool] = False
    lacks: dict[str, str] = {}  # feature -> why this backend lacks it, for not-applicable checks

    def start(self) -> None:
        """Make the backend reachable (start a server, check health)."""

    def stop(self) -> None:
        """Stop what start() started."""

    def reset(self) -> None:
        """Forget every resource: a fresh account for the next scenario."""
        raise NotImplementedError

    def upstream(self):
        """What the gateway forwards to: a WsgiUpstream or HttpUpstream."""
        raise NotImplementedError

    def set_time(self, now: dt.datetime) -> None:
        """Follow the virtual clock, if the backend can (see features)."""

    def set_storage_class(self, bucket: str, key: str, version_id: str, storage_class: str) -> None:
        """Change one version's storage class in place, as a lifecycle transition does (feature
        s3_storage_class_in_place). S3's API has no such call: CopyObject would add a version."""
        raise BackendError(self.why_lacking("s3_storage_class_in_place"))

    def edit_moto_state(self, edit: str, **arguments):
        """Run one of awslab/backends/moto_state.py's edits on the emulator (feature moto_state)."""
        raise BackendError(self.why_lacking("moto_state"))

    def serves(self, service: str) -> bool:
        """Whether the emulator answers this AWS service's API (a lab's lab.toml `services`)."""
        return service in self.features or (service == "sts" and "iam" in self.features)

    def why_not_served(self, service: str) -> str:
        return self.lacks.get(service, f"the {self.name} backend does not serve {FEATURES.get(service, service)} "
                                       f"(the lab's lab.toml lists it in services)")

    def why_lacking(self, feature: str) -> str:
        return self.lacks.get(feature, f"the {self.name} backend does not support {FEATURES.get(feature, feature)}")


def moto_serves(service: str) -> bool:
    """moto answers a service when it has a module for it (moto/<service>/; lambda is awslambda)."""
    import importlib.util

    module = {"lambda": "awslambda"}.get(service, service.replace("-", ""))
    try:
        return module.isidentifier() and importlib.util.find_spec(f"moto.{module}") is not None
    except (ImportError, ValueError):
        return False

