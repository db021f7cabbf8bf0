"""Grading: labs, checks, the learner's process, the runner, and the result model."""

from .checks import Check, CheckContext, CheckFailed, Fixture, NotApplicable, check, fixture
from .labs import Lab, LabError, all_labs, get_lab
from .learner_process import LearnerError, LearnerProcess
from .results import CheckResult, LabResult

__all__ = ["Check", "CheckContext", "CheckFailed", "CheckResult", "Fixture", "Lab", "LabError", "LabResult",
           "LearnerError", "LearnerProcess", "NotApplicable", "all_labs", "check", "fixture", "get_lab",
           "grade_submission"]


def __getattr__(name: str):
    # The runner brings the emulator (moto, flask) with it: imported on first use only, so a
    # command can start the learner's process before paying for those imports.
    if name == "grade_submission":
        from .runner import grade_submission

        return grade_submission
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
