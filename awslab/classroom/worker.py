"""One student's labs, graded in a process of their own: `python -m awslab.classroom.worker`.

The driver writes a job (JSON) on our stdin and reads events (JSON lines) from our stdout:
`ready`, then per lab `start` and `result`. Everything else this process or its libraries print
goes to stderr. The learner's process is our child; the verdict is computed here, never there,
and only the driver writes result files.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    started = time.perf_counter()
    events = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # stray prints of any library land on stderr, never among the events
    job = json.loads(sys.stdin.read())

    def emit(event: dict[str, Any]) -> None:
        events.write(json.dumps(event, sort_keys=True) + "\n")

    from . import isolation

    notes = _enter_sandbox(job, isolation)
    code_dir = _write_submission(job["files"])

    from ..grading import grade_submission
    from ..grading.labs import load_lab
    from ..local_aws import LocalAWS

    labs = {lab_id: _WARM_LABS.get(job["lab_folders"][lab_id]) or load_lab(Path(job["lab_folders"][lab_id]))
            for lab_id in job["labs"]}
    for lab in labs.values():
        lab.checks  # noqa: B018 - load the checks now, before anything could change under them
    learner_options = _learner_options(job, labs, notes)
    aws = LocalAWS("moto").start()
    emit({"event": "ready", "seconds": round(time.perf_counter() - started, 4), "notes": notes,
          "pid": os.getpid(), "self": _identity()})
    try:
        for lab_id, lab in labs.items():
            _grade_lab(grade_submission, job, lab_id, lab, code_dir, aws, learner_options, isolation, emit)
    finally:
        if learner_options.get("sandbox") is not None:
            learner_options["sandbox"].close_zygote()
        aws.stop()
        shutil.rmtree(code_dir, ignore_errors=True)


def _enter_sandbox(job: dict, isolation: Any) -> list[str]:
    """Into the student's namespaces when the job asks; what could not be had, as notes."""
    sandbox = job.get("sandbox", {})
    learner_uid = sandbox.get("learner_uid")
    notes: list[str] = []
    if learner_uid is not None:  # root: the kernel's last choice in the student's cgroup, after its learners
        try:
            Path("/proc/self/oom_score_adj").write_text("-500")
        except OSError:
            pass
    if sandbox.get("namespaces"):
        notes = isolation.enter_sandbox(keep=_kept_paths(job), hide=sandbox.get("hide", []),
                                        learner_uid=learner_uid)
    return notes


def _write_submission(files: dict[str, str]) -> Path:
    code_dir = Path(tempfile.mkdtemp(prefix="awslab-submission-"))
    code_dir.chmod(0o755)  # the learner may read its code, not change it between reloads
    for name, text in files.items():
        target = code_dir / Path(name).name
        target.write_text(text, encoding="utf-8")
        target.chmod(0o644)
    return code_dir


def _learner_options(job: dict, labs: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """How each learner process is limited: time, CPU, its user, its CPU clock and its sandbox;
    adds to `notes` what could not be had."""
    sandbox = job.get("sandbox", {})
    learner_uid = sandbox.get("learner_uid")
    timeout = float(job["timeout"])
    learner_options: dict[str, Any] = {"load_timeout": min(30.0, timeout),
                                       "cpu_seconds": max(1, math.ceil(timeout))}
    if learner_uid is not None:
        learner_options["user"] = learner_uid
    if job.get("cpu_accounting"):
        from .cgroups import cpu_clock

        clock = cpu_clock(job["cpu_accounting"])
        if clock is not None:
            learner_options["cpu_clock"] = clock
        else:
            notes.append("per-call time limits in wall time: the student's cgroup CPU time is not readable here")
    if sandbox.get("namespaces"):
        _sandbox_options(job, labs, learner_options, notes)
    return learner_options


def _sandbox_options(job: dict, labs: dict[str, Any], learner_options: dict[str, Any], notes: list[str]) -> None:
    from ..grading import sandbox as bubblewrap

    sandbox = job.get("sandbox", {})
    try:
        packages = tuple(sorted({p for lab in labs.values() for p in lab.learner_packages}))
        # With more than one lab, each lab's learner is forked from a warm one (the student's
        # own, in the same sandbox), which imported boto3 and the labs' service models once.
        warm = tuple(sorted({s for lab in labs.values() for s in lab.services})) \
            if sandbox.get("warm_learners") and len(labs) > 1 else None
        learner_options["sandbox"] = bubblewrap.bubblewrap(packages, warm_services=warm)
    except bubblewrap.SandboxUnavailable as exc:
        notes.append(f"learner not in an allow-listed filesystem: {exc}")
    if "sandbox" in learner_options and "cpu_clock" not in learner_options and os.getpid() == 1:
        # No cgroup: this PID namespace holds only this student's processes (the worker, its
        # learners and all they fork); their CPU time is what a call's limit counts.
        learner_options["cpu_clock"] = _namespace_cpu_clock
    if "sandbox" in learner_options and not job.get("cpu_accounting"):
        # No cgroup (not root): the learner's processes and threads are limited by RLIMIT_NPROC,
        # which Linux 5.14+ counts in the sandbox's own user namespace (one learner's alone).
        if _kernel_at_least(5, 14):
            learner_options["max_tasks"] = LEARNER_TASKS
        else:
            notes.append("no limit on the number of a learner's processes: no cgroup, and this kernel "
                         "counts RLIMIT_NPROC per user, not per sandbox (Linux 5.14 and later do)")


def _grade_lab(grade_submission: Any, job: dict, lab_id: str, lab: Any, code_dir: Path, aws: Any,
               learner_options: dict[str, Any], isolation: Any, emit: Any) -> None:
    sandbox = job.get("sandbox", {})
    learner_uid = sandbox.get("learner_uid")
    emit({"event": "start", "lab": lab_id})
    began = time.perf_counter()
    result = grade_submission(lab, code_dir / f"{lab_id}.py", aws, memory_mb=int(job["memory_mb"]),
                              learner_options=learner_options)
    box = learner_options.get("sandbox")
    swept = box is not None and box.sweep()  # by the warm learner, which stays
    isolation.sweep(learner_uid if sandbox.get("namespaces") and not swept else None)
    data = result.to_dict()
    data["file"] = f"{job['student']}/{lab_id}.py"
    emit({"event": "result", "lab": lab_id, "result": data,
          "seconds": round(time.perf_counter() - began, 4),
          "learners_forked": box.forked if box is not None else 0,
          "output_bytes": len(result.output.encode("utf-8", "replace"))})


LEARNER_TASKS = 256  # processes and threads of one learner where no cgroup limits the student


def _namespace_cpu_clock() -> float:
    """CPU seconds of every process in this PID namespace, with those of the children they reaped."""
    total = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as file:
                    stat = file.read()
            except OSError:
                continue
            total += sum(int(x) for x in stat[stat.rindex(")") + 2:].split()[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def _kernel_at_least(major: int, minor: int) -> bool:
    import platform

    try:
        found = tuple(int(part) for part in platform.release().split("-")[0].split(".")[:2])
    except ValueError:
        return False
    return found >= (major, minor)


def _identity() -> dict[str, Any]:
    """Where this worker runs: its pid in its own PID namespace, its namespaces and cgroups."""
    found: dict[str, Any] = {"pid": os.getpid(), "forked": "--template" in sys.argv}
    for name in ("net", "mnt", "pid", "user"):
        try:
            found[f"{name}_namespace"] = os.readlink(f"/proc/self/ns/{name}")
        except OSError:
            pass
    try:
        found["cgroup"] = Path("/proc/self/cgroup").read_text()
    except OSError:
        pass
    return found


def _kept_paths(job: dict) -> list[str]:
    """What must stay visible in the sandbox: the Python installation, awslab and the labs."""
    import awslab

    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)),
             *dict.fromkeys(str(Path(folder).parent) for folder in job["lab_folders"].values()),
             str(Path(awslab.__file__).resolve().parents[1])]
    # sys.path also holds the current directory (with -m): never keep "/" or the cwd as a whole.
    paths += [p for p in sys.path if p and os.path.isdir(p) and os.path.realpath(p) not in ("/", os.getcwd())]
    return paths


# -- the template workers are forked from (see forkserver) ----------------------------------------
_WARM_LABS: dict[str, Any] = {}  # lab folder -> Lab with its checks loaded, in the template


def warm(lab_folders: list[str]) -> None:
    """Import and load, once, what every worker needs: awslab's grader, boto3, moto (the labs'
    services' models and routes), the labs with their checks. No thread is started: the template
    forks."""
    from ..backends.moto_embedded import moto_app
    from ..grading import grade_submission  # noqa: F401
    from ..grading.labs import load_lab
    from ..local_aws import LocalAWS  # noqa: F401

    services: set[str] = set()
    for folder in lab_folders:
        lab = load_lab(Path(folder))
        lab.checks  # noqa: B018
        _WARM_LABS[folder] = lab
        services.update(lab.services)
    from moto.moto_server.werkzeug_app import create_backend_app

    moto_app()
    for service in sorted(services):
        try:
            create_backend_app(service)  # type: ignore[arg-type]  # moto's Literal of names; a lab's is a str
        except Exception:  # noqa: BLE001 - only a warm-up: the worker meets the real problem itself
            pass


def template_main(level: str, lab_folders: list[str]) -> None:
    import socket

    from . import forkserver

    control = socket.socket(fileno=0)
    warm(lab_folders)
    forkserver.serve(control, full=level == "full")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--template"]:
        template_main(sys.argv[2], json.loads(sys.argv[3]))
    else:
        main()
