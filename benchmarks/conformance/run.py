"""moto's own tests through awslab's learner endpoint, compared with plain moto (issue 16).

    python benchmarks/conformance/run.py            # the core files (what CI runs)
    python benchmarks/conformance/run.py --all      # every SQS, SNS, S3 and DynamoDB test file
    python benchmarks/conformance/run.py tests/test_sqs/test_sqs.py
    python benchmarks/conformance/run.py --all --targets moto,awslab:moto,awslab:moto-server,bare:moto

Targets: `moto` (plain moto_server, the baseline), `awslab:BACKEND` (`awslab serve --backend BACKEND`,
every behaviour, the virtual clock), `bare:BACKEND` (the same endpoint with every behaviour removed and
the emulator on real time: what the gateway's transport alone changes). Through an awslab target a
test's `time.sleep(n)` advances the virtual clock by n seconds, as a graded learner's sleep does
(awslab_virtual_sleep.py); elsewhere it sleeps. Every awslab target is checked against the list.
Each test has a per-test timeout (pytest-timeout, --per-test-timeout), since a few of
moto's tests long-poll or wait; targets run side by side (--jobs) under `nice`, since the machine is
shared.

It downloads moto's sdist at the installed moto version with pip (never committed; kept in --work),
runs the chosen test files in moto's server mode (TEST_SERVER_MODE=true) once against plain
`moto_server` and once against `awslab serve --moto-api-reset` (moto's per-test POST /moto-api/reset
reaches LocalAWS.reset()), and compares the outcome of every test. A difference must be listed in
intended_differences.toml (test id, reason: the AWS behaviour awslab simulates, and its AWS page);
any other difference, or a listed one that no longer differs, fails the run (exit 1).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTENDED = HERE / "intended_differences.toml"
SERVICES = ("test_sqs", "test_sns", "test_s3", "test_dynamodb")
CORE = (
    "tests/test_sqs/test_sqs.py",
    "tests/test_sns/test_publishing.py",
    "tests/test_sns/test_subscriptions.py",
    "tests/test_s3/test_s3.py",
    "tests/test_s3/test_s3_lifecycle.py",
    "tests/test_s3/test_s3_list_object_versions.py",
    "tests/test_dynamodb/test_dynamodb.py",
    "tests/test_dynamodb/test_dynamodb_batch_write.py",
    "tests/test_dynamodb/test_dynamodb_query.py",
)


class HarnessError(Exception):
    """Something the harness cannot do (download, start a server): one line, exit 2."""


def moto_sources(work: Path) -> Path:
    """moto's sdist at the installed version, extracted (tests only) under `work`."""
    version = importlib.metadata.version("moto")
    root = work / f"moto-{version}"
    if (root / "tests" / "conftest.py").is_file():
        return root
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as download:
        result = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                                 f"moto=={version}", "-d", download], capture_output=True, text=True)
        archives = list(Path(download).glob("moto-*.tar.gz"))
        if result.returncode != 0 or not archives:
            raise HarnessError(f"pip could not download moto=={version}'s sdist: {result.stderr.strip()[-300:]}")
        with tarfile.open(archives[0]) as archive:
            prefix = f"moto-{version}/tests/"
            wanted = [m for m in archive.getmembers() if m.name.startswith(prefix)
                      and (m.name.count("/") == 2 or m.name.split("/")[2] in SERVICES)]
            archive.extractall(work, members=wanted, filter="data")
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HarnessError(f"the server exited with {process.returncode}: {log.read_text()[-300:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise HarnessError(f"no server on port {port} after {timeout:.0f} s")


# `bare:BACKEND`: awslab serve's endpoint with every behaviour removed and no virtual clock (the
# emulator keeps real time, as plain moto does): what the gateway's transport alone changes. With the
# virtual clock, which stands still between advances, moto's real-time sleeps would never let a
# visibility timeout run out, and two PUTs of one key would share one instant (the behaviours that
# handle both, sqs_long_poll and s3_write_order, are removed here).
BARE_SERVER = """
import sys, threading
from awslab.backends import make_backend
from awslab.gateway.server import LoopbackServer
from awslab.local_aws import LocalAWS
from awslab.serve import ServedEndpoint
backend = make_backend(sys.argv[1])
backend.features = backend.features - {"virtual_time"}
backend.follows_process_clock = False
aws = LocalAWS(backend, serve_http=False).start()
aws.gateway.behaviours.clear()
LoopbackServer(ServedEndpoint(aws, moto_api_reset=True), port=int(sys.argv[2])).start()
threading.Event().wait()
"""


def parse_target(target: str) -> tuple[str, str]:
    kind, _, backend = target.partition(":")
    if kind == "moto" and not backend:
        return kind, ""
    if kind in ("awslab", "bare") and backend in ("moto", "moto-server"):
        return kind, backend
    raise HarnessError(f"unknown target {target!r}: moto, awslab:moto, awslab:moto-server, bare:moto, bare:moto-server")


def _nice() -> None:
    os.nice(10)


def start_target(target: str, work: Path) -> tuple[subprocess.Popen, str, str | None]:
    """The target's server: (process, endpoint, control token or None)."""
    kind, backend = parse_target(target)
    port = _free_port()
    name = target.replace(":", "-")
    token_file = work / f"{name}.token"
    token_file.unlink(missing_ok=True)
    if kind == "moto":
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    elif kind == "bare":
        command = [sys.executable, "-c", BARE_SERVER, backend, str(port)]
    else:
        command = [sys.executable, "-m", "awslab", "serve", "--backend", backend, "--port", str(port),
                   "--moto-api-reset", "--token-file", str(token_file)]
    # The server's log goes to a file: moto_server logs every request, and a pipe nobody reads fills
    # up and blocks the server mid-request (every later test then hangs until its timeout).
    log = work / f"{name}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   preexec_fn=_nice)
    _wait_listening(port, process, log)
    token = None
    if kind == "awslab":
        deadline = time.monotonic() + 30
        while not (token_file.is_file() and token_file.read_text().strip()):
            if time.monotonic() > deadline or process.poll() is not None:
                raise HarnessError(f"awslab serve wrote no token file: {log.read_text()[-300:]}")
            time.sleep(0.05)
        token = token_file.read_text().strip()
    return process, f"http://127.0.0.1:{port}", token


def run_tests(root: Path, files: list[str], endpoint: str, junit: Path, timeout: float,
              per_test: float, token: str | None = None) -> dict[str, str]:
    env = {**os.environ, "TEST_SERVER_MODE": "true", "TEST_SERVER_MODE_ENDPOINT": endpoint,
           "AWS_ACCESS_KEY_ID": "FOOBARKEY", "AWS_SECRET_ACCESS_KEY": "FOOBARSECRET", "AWS_DEFAULT_REGION": "us-east-1"}
    env.pop("AWS_ENDPOINT_URL", None)
    plugin: list[str] = []
    if token is not None:
        # Through awslab, a test's time.sleep advances the virtual clock, as a graded learner's does.
        env["AWSLAB_CONFORMANCE_CONTROL"] = f"{endpoint} {token}"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH", "")) if p)
        plugin = ["-p", "awslab_virtual_sleep"]
    # A file that cannot be imported (moto's lambda integration tests need test_awslambda, not
    # extracted) is one failed entry; without --continue-on-collection-errors it stops the whole run.
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:awslab", *plugin,
                    "-o", "addopts=", f"--timeout={per_test:g}", "--continue-on-collection-errors",
                    "--rootdir", str(root), f"--junitxml={junit}", *files],
                   cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout,
                   preexec_fn=_nice)
    return outcomes(junit)


def outcomes(junit: Path) -> dict[str, str]:
    result = {}
    for case in ET.parse(junit).iter("testcase"):
        path = case.get("classname", "").split(".")
        # classname "tests.test_sqs.test_sqs" or "tests.test_sqs.test_sqs.TestClass"
        if not any(part.startswith("test_") for part in path):  # a collection error: name is the module
            result[case.get("name", "").replace(".", "/") + ".py::<collection>"] = "failed"
            continue
        module = next(i for i in range(len(path), 0, -1) if path[i - 1].startswith("test_"))
        file = "/".join(path[:module]) + ".py"
        test_id = "::".join([file, *path[module:], case.get("name", "")])
        kinds = {child.tag for child in case}
        result[test_id] = ("failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed")
    return result


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def intended(moto_version: str | None = None) -> dict[str, dict]:
    """The listed differences that apply to this moto (the installed one unless given): an entry with
    `moto_below = "X.Y.Z"` is about moto's tests before that release (a later sdist changed the test),
    so it is neither expected nor stale on a newer moto."""
    data = tomllib.loads(INTENDED.read_text())
    installed = _release(moto_version or importlib.metadata.version("moto"))
    entries = {}
    for entry in data.get("difference", []):
        missing = {"test", "reason", "aws_page"} - set(entry)
        if missing:
            raise HarnessError(f"{INTENDED.name}: an entry lacks {', '.join(sorted(missing))}: {entry}")
        if "moto_below" in entry and installed >= _release(str(entry["moto_below"])):
            continue
        entries[entry["test"]] = entry
    return entries


def compare(plain: dict[str, str], gateway: dict[str, str], listed: dict[str, dict], files: list[str]):
    differing = {t for t in plain.keys() | gateway.keys() if plain.get(t) != gateway.get(t)}
    in_scope = {t for t in listed if any(t.startswith(f + "::") for f in files)}
    unexpected = sorted(differing - set(listed))
    stale = sorted(in_scope - differing)
    return sorted(differing), unexpected, stale


def totals(results: dict[str, dict[str, str]]) -> dict[str, dict[str, int]]:
    """Per file: how many tests, and how many pass on each target."""
    table: dict[str, dict[str, int]] = {}
    for test in set().union(*results.values()):
        row = table.setdefault(test.split("::")[0], {"tests": 0, **{target: 0 for target in results}})
        row["tests"] += 1
        for target, outcome in results.items():
            row[target] += outcome.get(test) == "passed"
    return dict(sorted(table.items()))


def run_target(target: str, root: Path, files: list[str], work: Path, timeout: float, per_test: float) -> dict[str, str]:
    process, endpoint, token = start_target(target, work)
    try:
        started = time.monotonic()
        result = run_tests(root, files, endpoint, work / f"{target.replace(':', '-')}.xml", timeout, per_test, token)
        print(f"{target}: {len(result)} tests in {time.monotonic() - started:.0f} s", flush=True)
        return result
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="moto test files (default: the core files)")
    parser.add_argument("--all", action="store_true", help="every SQS, SNS, S3 and DynamoDB test file")
    parser.add_argument("--backend", default="moto", choices=("moto", "moto-server"),
                        help="awslab serve's backend (the compared target is awslab:BACKEND)")
    parser.add_argument("--targets", help="comma-separated: moto,awslab:moto,awslab:moto-server,bare:moto,... "
                                          "(the first is the baseline; every awslab target is checked against the list)")
    parser.add_argument("--jobs", type=int, default=2, help="targets run side by side")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "awslab-conformance")
    parser.add_argument("--json", type=Path, help="write outcomes and totals to this file")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per pytest run")
    parser.add_argument("--per-test-timeout", type=float, default=60, help="seconds per moto test (pytest-timeout)")
    args = parser.parse_args(argv)
    targets = args.targets.split(",") if args.targets else ["moto", f"awslab:{args.backend}"]
    try:
        for target in targets:
            parse_target(target)
        if len(targets) < 2 or targets[0] != "moto":
            raise HarnessError("--targets: the first target is moto (the baseline), and at least one more")
        if args.jobs < 1:
            raise HarnessError("--jobs must be at least 1")
        if importlib.util.find_spec("pytest_timeout") is None:
            raise HarnessError("pytest-timeout is not installed: pip install -e '.[test]'")
        root = moto_sources(args.work)
        files = args.files or list(CORE)
        if args.all:
            files = sorted(str(p.relative_to(root)) for s in SERVICES for p in (root / "tests" / s).rglob("test_*.py"))
        absent = [f for f in files if not (root / f).is_file()]
        if absent:
            raise HarnessError(f"not in moto's tests: {', '.join(absent)}")
        listed = intended()
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {t: pool.submit(run_target, t, root, files, args.work, args.timeout, args.per_test_timeout)
                       for t in targets}
            results = {t: f.result() for t, f in futures.items()}
    except (HarnessError, subprocess.TimeoutExpired, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = totals(results)
    print(f"{'file':60} {'tests':>6} " + " ".join(f"{t:>18}" for t in targets))
    for file, row in table.items():
        print(f"{file:60} {row['tests']:6} " + " ".join(f"{row[t]:18}" for t in targets))
    print(f"{'total':60} {sum(r['tests'] for r in table.values()):6} "
          + " ".join(f"{sum(r[t] for r in table.values()):18}" for t in targets))
    report: dict[str, dict[str, list[str]]] = {}
    for checked in checked_targets(targets):
        differing, unexpected, stale = compare(results["moto"], results[checked], listed, files)
        report[checked] = {"unexpected": unexpected, "stale": stale}
        print(f"differences moto vs {checked}: {len(differing)} ({len(differing) - len(unexpected)} intended)")
        for test in unexpected:
            print(f"UNEXPECTED {test}: moto {results['moto'].get(test)}, {checked} {results[checked].get(test)}")
        for test in stale:
            print(f"NO LONGER DIFFERENT on {checked} (remove from {INTENDED.name}): {test}")
    if args.json:
        args.json.write_text(json.dumps({"totals": table, **results, "checked": report}, indent=1))
    return 1 if any(r["unexpected"] or r["stale"] for r in report.values()) else 0


def checked_targets(targets: list[str]) -> list[str]:
    """The targets compared with the list: every awslab:BACKEND (a learner's endpoint); bare targets
    only show what the transport alone changes, unless no awslab target runs."""
    awslab = [t for t in targets[1:] if parse_target(t)[0] == "awslab"]
    return awslab or targets[1:2]


if __name__ == "__main__":
    sys.exit(main())
