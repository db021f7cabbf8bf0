"""Grading: labs, checks, the learner's process, the runner, and the result model."""

from .checks import Check, CheckContext, CheckFailed, Fixture, NotApplicable, check, fixture
from .labs import Lab, LabError, all_labs, get_lab
from .learner import LearnerError, LearnerProcess
from .results import CheckResult, LabResult
from .runner import grade_submission

__all__ = ["Check", "CheckContext", "CheckFailed", "CheckResult", "Fixture", "Lab", "LabError", "LabResult",
           "LearnerError", "LearnerProcess", "NotApplicable", "all_labs", "check", "fixture", "get_lab",
           "grade_submission"]
