"""In the classroom sandbox too, the learner's clock is the scenario's virtual time (issue 16)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from tests.classroom.test_isolation import _needs


def test_sandboxed_learner_clock_is_the_scenarios_virtual_time(fresh_aws):
    """time-machine is mounted beside boto3, so the runner can travel there: datetime.now() in the
    sandbox is the emulator's date, not the host's."""
    _needs()
    from awslab.grading import LearnerProcess, sandbox

    code = Path(tempfile.mkdtemp(prefix="awslab-test-code-"))  # readable by the learner's uid
    code.chmod(0o755)
    path = code / "learner.py"
    path.write_text("import datetime as dt\n\ndef now():\n    return dt.datetime.now(dt.timezone.utc)\n")
    workdir = Path(tempfile.mkdtemp(prefix="awslab-test-work-"))
    os.chmod(workdir, 0o777)
    try:
        with LearnerProcess(path, fresh_aws.learner_environment(str(workdir)), workdir=str(workdir),
                            sandbox=sandbox.bubblewrap()) as learner:
            learner.clock = fresh_aws.clock.now
            seen = learner.call("now")
        assert dt.timedelta(0) <= seen - fresh_aws.clock.now() < dt.timedelta(minutes=5)
    finally:
        shutil.rmtree(code)
        shutil.rmtree(workdir)
