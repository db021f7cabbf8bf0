"""Grade one learner file for one lab: run every check, collect one LabResult."""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path

import botocore.exceptions

from ..escaping import clean_output
from ..local_aws import LocalAWS
from .checks import CheckContext, CheckFailed, LearnerFunctions, NotApplicable, short_repr
from .labs import Lab
from .learner_process import OUTPUT_KEPT, LearnerError, LearnerProcess
from .results import FAILED, NOT_APPLICABLE, PASSED, CheckResult, LabResult


def grade_submission(lab: Lab, path: str | Path, aws: LocalAWS, *, memory_mb: int = 1024,
                     call_timeout: float | None = None, learner_options: dict | None = None,
                     learner: LearnerProcess | None = None) -> LabResult:
    """Grade `path` for `lab` on a started LocalAWS (reset first, so every run starts alike).

    `learner_options` go to LearnerProcess as they are (e.g. `user`, `load_timeout`, `cpu_seconds`).
    `learner` is a process already spawned for `path` (see `LearnerProcess.spawn_early`), if the caller started
    one early; it is closed here like one of our own.
    """
    started = time.perf_counter()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="awslab-learner-") as home:
        if learner is None:
            env = aws.learner_environment(home)
            if lab.services:  # the learner's Python warms the models of the services this lab uses
                env["AWSLAB_PRELOAD_SERVICES"] = ",".join(lab.services)
            learner = LearnerProcess(path, env, workdir=home,
                                     call_timeout=call_timeout or lab.call_timeout, memory_mb=memory_mb,
                                     **(learner_options or {}))
        learner.on_sleep = lambda seconds: aws.clock.advance(seconds=seconds)
        aws.gateway.learner_busy = lambda: learner.busy
        # On virtual time the learner's clock is the scenario's: its datetime.now() is what the
        # emulator stamps (LocalStack keeps real time, and so does the learner there).
        learner.clock = aws.clock.now if aws.has("virtual_time") else None
        learner.call_timeout = call_timeout or lab.call_timeout
        try:
            # The learner's Python starts (and imports boto3) while the backend resets and the
            # checks load; its file is imported only after that.
            learner.spawn()
            aws.reset()
            lab.checks  # noqa: B018 - imports checks.py now, in parallel with the learner's start
            learner.load({**lab.import_environment, "AWS_ENDPOINT_URL": aws.endpoint_url})
            fixtures: dict = {}
            names = itertools.count(1)  # ctx.unique() numbers across the whole run, not per check
            results = [run_check(check, lab, aws, learner, fixtures, names) for check in lab.checks]
        finally:
            learner.close()
    pictures = [picture for result in results for picture in result.pictures]
    return LabResult(lab=lab.id, title=lab.title, backend=aws.backend.name, checks=results, file=str(path),
                     pictures=pictures,
                     load_error=str(learner.load_error) if learner.load_error else None, output=clean_output(learner.output, OUTPUT_KEPT),
                     duration=time.perf_counter() - started, virtual_seconds=aws.clock.elapsed().total_seconds())


def refused_value(exc: botocore.exceptions.ParamValidationError, learner: LearnerFunctions) -> str:
    """A failed check's message for a value botocore refused: the call, what is wrong with the value,
    and the learner's function whose result it most likely was."""
    call = "a boto3 call"
    frame = exc.__traceback__
    while frame is not None:  # botocore's generated method `_api_call` knows the client and the method
        names = frame.tb_frame.f_locals
        if frame.tb_frame.f_code.co_name == "_api_call" and "py_operation_name" in names:
            service = names["self"].meta.service_model.service_name
            call = f"{service}.{names['py_operation_name']}()"
        frame = frame.tb_next
    report = str(exc.kwargs.get("report", exc)).replace("\n", "; ")
    message = f"{call} refused a value from your code: {report}"
    if learner.last is not None:
        function, value = learner.last
        message += f" (your {function}() returned {short_repr(value, 120)})"
    return message


def run_check(check, lab: Lab, aws: LocalAWS, learner: LearnerProcess, fixtures: dict,
              names: itertools.count) -> CheckResult:
    result = CheckResult(name=check.name, title=check.title, status=FAILED, points=0, max_points=check.points,
                         hint=check.hint)
    lacking = _lacking_on_backend(check, lab, aws)
    if lacking:
        result.status, result.max_points = NOT_APPLICABLE, 0
        result.message = "not applicable on this backend: " + "; ".join(lacking)
        return result
    context = CheckContext(aws=aws, learner=LearnerFunctions(learner), lab=lab, fixtures=fixtures, names=names)
    started = time.perf_counter()
    try:
        check.function(context)
    except CheckFailed as exc:
        result.message = str(exc)
    except LearnerError as exc:
        result.message = str(exc)
    except NotApplicable as exc:
        result.status, result.max_points, result.message = NOT_APPLICABLE, 0, f"not applicable: {exc}"
    except botocore.exceptions.ClientError as exc:
        # The grader's own call failed: usually a resource the learner was to create is missing.
        error = exc.response.get("Error", {})
        result.message = f"{exc.operation_name} failed: {error.get('Code')}: {error.get('Message')}"
    except botocore.exceptions.ParamValidationError as exc:
        # The grader passed on a value the learner's code gave (None for bytes, a str for a list...).
        result.message = refused_value(exc, context.learner)
    except Exception as exc:  # noqa: BLE001 - a bug in a check must not crash the grading of the rest
        result.message = f"the check itself failed ({type(exc).__name__}: {exc}); please report this"
    else:
        result.status, result.points, result.hint = PASSED, check.points, ""
    result.details = context.details
    result.pictures = context.pictures
    result.output = clean_output(learner.take_call_output())
    result.duration = time.perf_counter() - started
    return result


def _lacking_on_backend(check, lab: Lab, aws: LocalAWS) -> list[str]:
    """Why the backend cannot judge the check: services of the lab it does not serve, features the
    check requires that it lacks."""
    missing = [f for f in check.requires if not aws.has(f)]
    unserved = [s for s in lab.services if not aws.backend.serves(s)]
    return [aws.backend.why_not_served(s) for s in unserved] + [aws.backend.why_lacking(f) for f in missing]
