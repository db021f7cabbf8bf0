"""Grade a class: a worker process per student, in parallel, resumable, with a wall-time limit per lab.

The driver is the only writer of results: each (student, lab) verdict lands atomically in
`<state>/results/<student>/<lab>.json` as soon as it is known, so a run that is interrupted
(Ctrl-C, SIGKILL, a reboot) resumes where it stopped: a rerun grades only what is missing or
what changed (the submission, the lab's checks or the settings; see `roster.fingerprint`).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..files import write_atomically
from ..grading import Lab
from ..grading.labs import solutions_dir
from ..grading.learner_process import ended_by
from ..hints import hint_ladder, unasked_hint
from . import isolation as isolation_
from .cgroups import StudentGroup, StudentGroups
from .folders import Refused, Submission, file_name, read_regular_file
from .forkserver import ForkedWorker, Template, TemplateFailed
from .roster import Student, fingerprint, student_files

GRADED, NOT_SUBMITTED, TIMEOUT, ERROR = "graded", "not_submitted", "timeout", "error"
FINAL = (GRADED, NOT_SUBMITTED, TIMEOUT)  # an error is graded again on the next run
STARTUP_ALLOWANCE = 60.0  # seconds a worker may take to start (imports, backend) before it is killed
WALL_BACKSTOP = 3.0       # with a cgroup, a lab's limit is CPU time; wall time may reach this many times it
WORKER_MEMORY_MB = 768    # the worker's own share (backend, gateway) of a student's memory budget
STUDENT_PIDS = 512


@dataclass
class Settings:
    timeout: float = 60.0      # wall time per lab per student
    memory_mb: int = 1024      # address space of the learner's process
    jobs: int = 0              # workers at once (0: one per core)
    isolation: str = "auto"
    fork_workers: bool = True  # from a warm template (forkserver); False: each worker started from nothing
    warm_learners: bool = True  # each lab's learner forked from the student's warm one (sandbox.Zygote)

    def fingerprinted(self) -> dict[str, Any]:
        return {"timeout": self.timeout, "memory_mb": self.memory_mb}


@dataclass
class Run:
    """What a grading run did: every record (old and new) and where time went."""
    isolation: isolation_.Isolation
    records: dict[tuple[str, str], dict] = field(default_factory=dict)
    graded_now: int = 0
    reused: int = 0
    timing: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    workers: list[dict] = field(default_factory=list)  # what each worker said of itself when ready


class StateDir:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, student: str, lab: str) -> Path:
        return self.root / "results" / file_name(student) / f"{lab}.json"

    def load(self, student: str, lab: str) -> dict | None:
        try:
            return json.loads(self.path(student, lab).read_text())
        except (OSError, ValueError):
            return None

    def save(self, record: dict) -> None:
        write_atomically(self.path(record["student"], record["lab"]), json.dumps(record, indent=1, sort_keys=True))

    def log(self, student: str) -> Path:
        return self.root / "logs" / file_name(student, ".log")


def grade_class(students: list[Student], labs: list[Lab], state: Path, settings: Settings, *,
                on_record: Callable[[dict], None] | None = None,
                on_plan: Callable[[int, int], None] | None = None, hide: Sequence[Path] = ()) -> Run:
    """Grade every student for every lab; returns every record, from this run or an earlier one."""
    started = time.perf_counter()
    store = StateDir(state)
    run = Run(isolation=isolation_.detect(settings.isolation))
    keyed = {**settings.fingerprinted(), "isolation": run.isolation.level}
    on_record = on_record or (lambda record: None)
    pending: deque[tuple[Student, list[Lab]]] = deque()
    for student in students:
        todo = []
        for lab in labs:
            key = fingerprint(lab, student, keyed)
            old = store.load(student.name, lab.id)
            if old and old.get("fingerprint") == key and old.get("status") in FINAL:
                run.records[(student.name, lab.id)] = old
                run.reused += 1
            elif not student.has(lab):
                why = student.submission.refused.get(f"{lab.id}.py")
                message = f"not graded: {lab.id}.py is {why}; it was not read" if why else "not submitted"
                record = _record(student, lab, key, NOT_SUBMITTED, _all_failed(lab, student, message))
                store.save(record)
                run.records[(student.name, lab.id)] = record
                run.graded_now += 1
            else:
                todo.append(lab)
        if todo:
            pending.append((student, todo))
    if on_plan:
        on_plan(len(run.records), len(students) * len(labs))
    for record in run.records.values():
        on_record(record)
    hidden = [solutions_dir(), *dict.fromkeys(p for lab in labs for p in lab.private_dirs), state, *hide]
    pool = _Pool(run, store, settings, hidden, on_record, keyed)
    try:
        pool.drain(pending)
    finally:
        pool.stop_all()
    run.timing["wall_seconds"] = time.perf_counter() - started
    return run


class _Worker:
    def __init__(self, student: Student, labs: list[Lab], process: subprocess.Popen | ForkedWorker,
                 stdout: IO[bytes], deadline: float) -> None:
        self.student = student
        self.labs = labs
        self.process = process
        self.stdout = stdout  # its events
        self.deadline = deadline
        self.current: Lab | None = None
        self.done: set[str] = set()
        self.buffer = b""
        self.spawned = time.perf_counter()
        self.group: StudentGroup | None = None
        self.lab_started = 0.0
        self.lab_cpu_start = 0.0
        # The group's limit counters when its last lab ended (read there, not at a lab's start event,
        # which the driver may read after the lab's code has already run into a limit).
        self.lab_limits_start: dict[str, int] = {}
        self.learners_forked = 0


class _Pool:
    def __init__(self, run: Run, store: StateDir, settings: Settings, hidden: list[Path],
                 on_record: Callable[[dict], None], keyed: dict[str, Any]) -> None:
        self.run = run
        self.keyed = keyed
        self.store = store
        self.settings = settings
        self.hidden = hidden
        self.on_record = on_record
        self.size = settings.jobs or os.cpu_count() or 1
        self.selector = selectors.DefaultSelector()
        self.workers: dict[int, _Worker] = {}
        self.timing = run.timing
        for key in ("worker_startup_seconds", "lab_seconds", "workers_started", "workers_forked",
                    "learners_forked"):
            self.timing.setdefault(key, 0.0)
        self.template: Template | None = None
        self.groups = StudentGroups(memory_mb=settings.memory_mb + WORKER_MEMORY_MB, pids=STUDENT_PIDS)
        if self.groups.unavailable:
            run.notes.append("no per-student cgroup (CPU, memory and process limits for all of a student's "
                             f"processes; lab time limits counted in wall time): {self.groups.unavailable}")

    # -- scheduling ----------------------------------------------------------------------------
    def drain(self, pending: deque) -> None:
        if (self.settings.fork_workers and len(pending) > 1
                and self.run.isolation.level in (isolation_.FULL, isolation_.PROCESS)):
            self._start_template(pending)
        while pending or self.workers:
            while pending and len(self.workers) < self.size:
                student, labs = pending.popleft()
                self._spawn(student, labs)
            timeout = max(0.0, min(w.deadline for w in self.workers.values()) - time.monotonic())
            for key, _ in self.selector.select(timeout=min(timeout, 1.0)):
                self._read(self.workers[key.fd], pending)
            now = time.monotonic()
            for worker in [w for w in self.workers.values() if w.deadline <= now]:
                if not self._starved(worker, now):
                    self._time_out(worker, pending)

    def _starved(self, worker: _Worker, now: float) -> bool:
        """Whether a lab past its wall time has not used its CPU time yet (the machine is busy, not
        the student's code): it then gets the rest, up to WALL_BACKSTOP times the limit."""
        if worker.group is None or worker.current is None:
            return False
        used = worker.group.cpu_seconds() - worker.lab_cpu_start
        limit = self.settings.timeout
        if used >= limit or now - worker.lab_started >= WALL_BACKSTOP * limit:
            return False
        worker.deadline = min(now + max(1.0, limit - used), worker.lab_started + WALL_BACKSTOP * limit)
        return True

    def _start_template(self, pending: deque) -> None:
        """One warm process to fork the workers from (see forkserver): a second of imports per
        student saved. Without it (it failed to start), each worker starts from nothing."""
        folders = sorted({str(lab.folder) for _, labs in pending for lab in labs})
        command = self.run.isolation.parent_death() + [sys.executable, "-m", "awslab.classroom.worker",
                                                       "--template", self.run.isolation.level, json.dumps(folders)]
        self.template = Template(command, _worker_environment(), self.store.root / "logs" / "template.log",
                                 timeout=STARTUP_ALLOWANCE)

    def _spawn(self, student: Student, labs: list[Lab]) -> None:
        isolation = self.run.isolation
        command = isolation.wrapper() + [sys.executable, "-m", "awslab.classroom.worker"]
        job = {"student": student.name, "files": student_files(student), "labs": [lab.id for lab in labs],
               "lab_folders": {lab.id: str(lab.folder) for lab in labs}, "timeout": self.settings.timeout,
               "memory_mb": self.settings.memory_mb,
               "sandbox": {"namespaces": isolation.namespaces, "learner_uid": isolation.learner_uid,
                           "warm_learners": self.settings.warm_learners,
                           "hide": [str(p) for p in self.hidden]}}
        group = self.groups.create()
        if group is None and self.groups.unavailable and not any("cgroup" in n for n in self.run.notes):
            self.run.notes.append(f"no per-student cgroup: {self.groups.unavailable}")
        if group is not None:
            job["cpu_accounting"] = group.accounting_file()  # per-call limits in the group's CPU time
        log = self.store.log(student.name)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as stderr:
            process = self._start_worker(command, group, stderr)
        stdin, stdout = process.stdin, process.stdout
        if stdin is None or stdout is None:  # both are pipes, forked or started
            raise RuntimeError(f"the worker of {student.name} has no pipes to the driver")
        try:
            stdin.write(json.dumps(job).encode())
            stdin.close()
        except BrokenPipeError:
            pass
        os.set_blocking(stdout.fileno(), False)
        worker = _Worker(student, labs, process, stdout, time.monotonic() + STARTUP_ALLOWANCE)
        worker.group = group
        self.workers[stdout.fileno()] = worker
        self.selector.register(stdout, selectors.EVENT_READ)
        self.timing["workers_started"] += 1

    def _start_worker(self, command: list[str], group: StudentGroup | None,
                      stderr: IO[bytes]) -> subprocess.Popen | ForkedWorker:
        """Forked from the warm template when there is one (a template that fails is stopped for the
        rest of the run), else started on its own; in the student's cgroup either way."""
        process: subprocess.Popen | ForkedWorker | None = None
        if self.template is not None:
            try:
                procs = group.procs_files() if group is not None else []
                process = self.template.spawn(procs, stderr.fileno())
                self.timing["workers_forked"] += 1
            except TemplateFailed as exc:
                self.run.notes.append(f"workers started one by one (no warm template: {exc}; see "
                                      f"{self.store.root / 'logs' / 'template.log'})")
                self.template.stop()
                self.template = None
        if process is None:
            if group is not None:
                command = group.wrap(command)
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                       env=_worker_environment(), start_new_session=True, cwd="/")
        return process

    def _read(self, worker: _Worker, pending: deque) -> None:
        try:
            data = os.read(worker.stdout.fileno(), 1 << 20)
        except BlockingIOError:
            return
        if not data:
            self._ended(worker, pending)
            return
        worker.buffer += data
        *lines, worker.buffer = worker.buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            self._event(worker, event)

    def _event(self, worker: _Worker, event: dict) -> None:
        kind = event.get("event")
        if kind == "ready":
            self.timing["worker_startup_seconds"] += time.perf_counter() - worker.spawned
            self.run.workers.append({"student": worker.student.name, **(event.get("self") or {})})
            for note in event.get("notes", []):
                if note not in self.run.notes:
                    self.run.notes.append(note)
        elif kind == "start":
            worker.current = _lab(worker, event.get("lab"))
            worker.deadline = worker.lab_started = time.monotonic()
            worker.deadline += self.settings.timeout
            worker.lab_cpu_start = worker.group.cpu_seconds() if worker.group else 0.0
        elif kind == "result" and worker.current is not None and event.get("lab") == worker.current.id:
            lab = worker.current
            self.timing["lab_seconds"] += float(event.get("seconds", 0))
            forked = event.get("learners_forked", 0)  # the worker's count so far
            if isinstance(forked, int) and forked > worker.learners_forked:
                self.timing["learners_forked"] += forked - worker.learners_forked
                worker.learners_forked = forked
            timing = {"seconds": event.get("seconds"), "output_bytes": event.get("output_bytes")}
            if worker.group is not None:
                timing["cpu_seconds"] = round(worker.group.cpu_seconds() - worker.lab_cpu_start, 3)
            self._save(worker.student, lab, GRADED, self._with_limits(worker, event["result"]), timing=timing)
            worker.done.add(lab.id)
            worker.current = None
            worker.deadline = time.monotonic() + STARTUP_ALLOWANCE  # until the next lab starts

    def _with_limits(self, worker: _Worker, result: dict, hit: dict[str, int] | None = None) -> dict:
        """The result with `limits`: what the student's cgroup stopped during this lab, in words
        (`hit`: the group's counters, read before it was removed)."""
        if hit is None and worker.group is not None:
            hit = worker.group.limits_hit()
        if not hit:
            return result
        before, worker.lab_limits_start = worker.lab_limits_start, hit
        limits = []
        if hit["oom_kill"] > before.get("oom_kill", 0):
            limits.append(f"your processes together went over the memory limit of {self.groups.memory_bytes >> 20} MB "
                          "(one limit for all of a student's processes, the grader's included): the kernel ended "
                          "at least one of them")
        if hit["pids_max"] > before.get("pids_max", 0):
            limits.append(f"your code tried to run more than {self.groups.pids} processes and threads at once (the "
                          "limit for all of a student's processes): the kernel refused to start more (a fork bomb?)")
        return {**result, "limits": limits} if limits else result

    def _time_out(self, worker: _Worker, pending: deque) -> None:
        # Read the group before _kill removes it.
        hit = worker.group.limits_hit() if worker.group else None
        cpu = worker.group.cpu_seconds() - worker.lab_cpu_start if worker.group else None
        self._kill(worker)
        lab = worker.current
        if lab is None:  # it never started a lab: the grader itself is stuck
            self._give_up(worker, "the grader did not start in time; see the log", pending)
            return
        wall = time.monotonic() - worker.lab_started
        limit = self.settings.timeout
        if cpu is not None and cpu >= limit:  # the figures go in the timing: the words stay the same each run
            message = f"stopped: the submission used more than the time limit of {limit:g} s of CPU time (for the whole lab)"
        elif cpu is not None:
            message = (f"stopped: the submission ran {WALL_BACKSTOP:g} times the time limit of {limit:g} s in wall time "
                       f"while using less than {limit:g} s of CPU time (for the whole lab: waiting on something, "
                       "or an overloaded machine)")
        else:
            message = (f"stopped: the submission ran past the time limit of {self.settings.timeout:g} s "
                       "(for the whole lab, in wall time)")
        self._save(worker.student, lab, TIMEOUT, self._with_limits(worker, _all_failed(lab, worker.student, message), hit),
                   timing={"seconds": round(wall, 3), "cpu_seconds": None if cpu is None else round(cpu, 3)})
        worker.done.add(lab.id)
        self._requeue(worker, pending)

    def _ended(self, worker: _Worker, pending: deque) -> None:
        hit = worker.group.limits_hit() if worker.group else None
        self._kill(worker)
        code = worker.process.returncode
        if worker.current is not None:
            lab = worker.current
            message = f"the grader stopped while grading this lab ({_worker_exit_text(code)}); it is graded again next run"
            self._save(worker.student, lab, ERROR, self._with_limits(worker, _all_failed(lab, worker.student, message), hit))
            worker.done.add(lab.id)
            self._requeue(worker, pending)
        elif len(worker.done) < len(worker.labs):
            # The log's place in the state folder, not its path on this machine: students read this.
            self._give_up(worker, f"the grader failed to start ({_worker_exit_text(code)}); see logs/"
                                  f"{self.store.log(worker.student.name).name} in the state folder", pending)

    def _requeue(self, worker: _Worker, pending: deque) -> None:
        rest = [lab for lab in worker.labs if lab.id not in worker.done]
        if rest:
            pending.appendleft((worker.student, rest))

    def _give_up(self, worker: _Worker, message: str, pending: deque) -> None:
        for lab in worker.labs:
            if lab.id not in worker.done:
                self._save(worker.student, lab, ERROR, _all_failed(lab, worker.student, message))

    def _save(self, student: Student, lab: Lab, status: str, result: dict, timing: dict | None = None) -> None:
        key = fingerprint(lab, student, self.keyed)
        record = _record(student, lab, key, status, result, timing)
        self.store.save(record)
        self.run.records[(student.name, lab.id)] = record
        self.run.graded_now += 1
        self.on_record(record)

    # -- processes -----------------------------------------------------------------------------
    def _kill(self, worker: _Worker) -> None:
        fd = worker.stdout.fileno()
        if fd in self.workers:
            self.selector.unregister(worker.stdout)
            del self.workers[fd]
        _stop(worker.process)
        worker.stdout.close()
        if worker.group is not None:
            worker.group.remove()
            worker.group = None

    def stop_all(self) -> None:
        for worker in list(self.workers.values()):
            self._kill(worker)
        if self.template is not None:
            if self.template.ready_seconds is not None:
                self.timing["template_seconds"] = self.template.ready_seconds
            self.template.stop()
            self.template = None
        self.groups.remove()


def _stop(process: subprocess.Popen | ForkedWorker) -> None:
    """End a worker and everything under it (with namespaces, the kernel ends its PID namespace)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _worker_environment() -> dict[str, str]:
    """No secrets of the instructor's environment reach a worker (nor, through it, the learner)."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/tmp",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true"})
    return env


def _lab(worker: _Worker, lab_id: str | None) -> Lab | None:
    return next((lab for lab in worker.labs if lab.id == lab_id), None)


def _record(student: Student, lab: Lab, key: str, status: str, result: dict, timing: dict | None = None) -> dict:
    return {"student": student.name, "lab": lab.id, "fingerprint": key, "status": status,
            "score": result["score"], "max_score": result["max_score"], "result": result,
            "timing": timing or {},
            "refused": [{"file": name, "reason": why} for name, why in sorted(student.submission.refused.items())]}


def _all_failed(lab: Lab, student: Student, message: str) -> dict:
    """A result in which every check failed for one reason (not submitted, time limit, grader error)."""
    checks = [{"name": c.name, "title": c.title, "status": "failed", "points": 0, "max_points": c.points,
               "message": message, "hint": unasked_hint(c.hint), "hint_levels": len(hint_ladder(c.hint)),
               "details": [], "passed": False, "duration": 0.0}
              for c in lab.checks]
    return {"lab": lab.id, "title": lab.title, "score": 0, "max_score": sum(c.points for c in lab.checks),
            "backend": "moto", "file": f"{student.name}/{lab.id}.py", "load_error": message, "duration": 0.0,
            "virtual_seconds": 0.0, "checks": checks, "pictures": []}


def _worker_exit_text(code: int | None) -> str:
    return "still running" if code is None else ended_by(code)


def grade_one(files: dict[str, Path], labs: list[Lab], settings: Settings) -> dict[str, dict]:
    """One learner's lab files (lab id to path; a lab without a file scores zero), graded with the
    same isolation as a class; returns the record per lab id. Used by Gradescope and GitHub Classroom.
    Each file is read as `folders` reads a class: a link or special file is refused, never read."""
    import tempfile

    submission = Submission()
    for lab_id, path in files.items():
        try:
            submission.files[f"{lab_id}.py"] = read_regular_file(path)
        except Refused as why:
            submission.refused[f"{lab_id}.py"] = str(why)
    with tempfile.TemporaryDirectory(prefix="awslab-one-") as scratch:
        student = Student("learner", Path(scratch), given=submission)
        run = grade_class([student], labs, Path(scratch) / "state", settings)
    return {lab_id: record for (_, lab_id), record in run.records.items()}
