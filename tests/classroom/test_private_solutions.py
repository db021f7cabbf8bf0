"""Instructor-private material stays private: with solutions kept apart from the labs (as a lab pack
with private solutions keeps them), neither the GitHub Classroom template's checkout nor the
Gradescope zip puts a solution where student code or the student's repository can read it, and a
submission that searches the whole filesystem it can see at grading time finds none.

The lab is a lab pack's (AWSLAB_LABS_PATH) whose solutions are kept apart (AWSLAB_SOLUTIONS_PATH);
the repository checked out is one laid out as awslab's own (awslab/, labs/, solutions/)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from .conftest import FIXTURES, LABS_ENV, ROOT, awslab_command

TEMPLATE = ROOT / "awslab" / "classroom" / "templates" / "classroom.yml"
# /usr is out of scope (docs/classroom.md: system files, readable by everyone) and too big to read
# within a lab's import time; everything else the learner can see is searched.
SKIP_TOP = ("/proc", "/sys", "/dev", "/usr")
READABLE = (".py", ".txt", ".md", ".json", ".toml", ".cfg", ".yml", ".yaml", ".zip", "")

# What the submission runs at import: every file it can see (but SKIP_TOP), read when it
# is small and text-like or its path says "solution", searched for the token.
PROBE = '''
import os
HEAD, TAIL = {head!r}, {tail!r}
FOUND, SCANNED = [], 0
def search(top):
    global SCANNED
    for folder, subfolders, names in os.walk(top, followlinks=False):
        subfolders[:] = [d for d in subfolders if os.path.join(folder, d) not in {skip!r}]
        for name in names:
            path = os.path.join(folder, name)
            if not (os.path.splitext(name)[1] in {readable!r} or "solution" in path.lower()):
                continue
            try:
                if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) > 2_000_000:
                    continue
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            SCANNED += 1
            if (HEAD + TAIL).encode() in data:
                FOUND.append(path)
search("/")


def make_bucket(s3, name):
    s3.create_bucket(Bucket=name)


def double(x):
    if FOUND or SCANNED < 100:
        return "found %r after scanning %d files" % (FOUND, SCANNED)
    return 2 * x


def greet(name):
    return f"Hello, {{name}}!"
'''


LAB = "pack_lab"


@pytest.fixture
def private(tmp_path):
    """A lab pack (the fixture class_lab as `pack_lab`) whose solution is kept apart from it,
    carrying a token a search can recognise."""
    token = secrets.token_hex(12)
    shutil.copytree(FIXTURES / "labs" / "class_lab", tmp_path / "pack" / "labs" / LAB)
    folder = tmp_path / "instructor-private" / "solutions"
    folder.mkdir(parents=True)
    source = FIXTURES / "solutions" / "class_lab.py"
    (folder / f"{LAB}.py").write_text(source.read_text() + f"\n# PRIVATE-SOLUTION-{token}\n")
    probe = PROBE.format(head="PRIVATE-", tail=f"SOLUTION-{token}", skip=list(SKIP_TOP),
                         readable=list(READABLE))
    return token, folder, probe


def full_isolation_or_skip():
    from awslab.classroom.isolation import detect

    level = detect("auto").level
    if level == "process":
        message = "only process isolation here: a submission can read the instructor's files by design"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_the_probe_finds_a_solution_it_can_see(private, tmp_path):
    """The search below can fail: outside a sandbox it finds the private solution."""
    token, folder, probe = private
    scope: dict = {}
    code = probe.replace('search("/")', f"search({str(folder.parent)!r})")
    exec(compile(code, "probe", "exec"), scope)
    assert scope["FOUND"] == [str(folder / f"{LAB}.py")]


def make_awslab_repository(root: Path, solutions: Path) -> Path:
    """A repository laid out as awslab's own (the engine, the labs, the solutions), served over file://."""
    repo = root / "awslab-origin"
    shutil.copytree(ROOT / "awslab", repo / "awslab", ignore=shutil.ignore_patterns("__pycache__", "bundled"))
    shutil.copytree(solutions.parent.parent / "pack" / "labs", repo / "labs")
    shutil.copytree(solutions, repo / "solutions")
    git = ["git", "-C", str(repo), "-c", "user.name=i", "-c", "user.email=i@example.invalid"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "course"], check=True)
    subprocess.run([*git, "config", "uploadpack.allowFilter", "true"], check=True)
    subprocess.run([*git, "config", "uploadpack.allowAnySHA1InWant", "true"], check=True)
    return repo


def checkout_as_actions_checkout(options: dict, origin: Path, target: Path) -> None:
    """What actions/checkout@v4 runs for these inputs (src/git-source-provider.ts): init, a shallow
    fetch of the ref (with the input `filter`, blob:none when only sparse-checkout is set), the
    sparse-checkout set, a checkout; the token stays in .git/config unless persist-credentials is false."""
    git = ["git", "-C", str(target)]
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    subprocess.run([*git, "remote", "add", "origin", origin.as_uri()], check=True)
    if options.get("persist-credentials", True) is not False:
        subprocess.run([*git, "config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic ***"],
                       check=True)
    fetch = [*git, "-c", "protocol.version=2", "fetch", "-q", "--no-tags", "--prune", "--no-recurse-submodules",
             f"--depth={options.get('fetch-depth', 1)}"]
    sparse = options.get("sparse-checkout")
    fetch_filter = options.get("filter") or ("blob:none" if sparse else None)
    if fetch_filter:
        fetch.append(f"--filter={fetch_filter}")
    subprocess.run([*fetch, "origin", f"+refs/heads/{options.get('ref', 'main')}:refs/remotes/origin/main"],
                   check=True)
    if sparse:
        subprocess.run([*git, "sparse-checkout", "set", *sparse.split()], check=True)
    subprocess.run([*git, "checkout", "-q", "--force", "-B", "main", "refs/remotes/origin/main"], check=True)


def files_holding(root: Path, token: str) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and not p.is_symlink() and token.encode() in p.read_bytes()]


def test_a_student_side_checkout_made_as_the_template_makes_it_holds_no_solution_blob(private, tmp_path):
    token, solutions, _ = private
    origin = make_awslab_repository(tmp_path, solutions)
    blob = subprocess.run(["git", "-C", str(origin), "rev-parse", f"HEAD:solutions/{LAB}.py"],
                          capture_output=True, text=True, check=True).stdout.strip()
    steps = yaml.safe_load(TEMPLATE.read_text())["jobs"]["run-autograding-tests"]["steps"]
    checkout = next(s for s in steps if s.get("with", {}).get("path") == "awslab")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    checkout_as_actions_checkout(checkout["with"], origin, workspace / "awslab")
    objects = subprocess.run(["git", "-C", str(workspace / "awslab"), "cat-file", "--batch-all-objects",
                              "--batch-check=%(objectname)"], capture_output=True, text=True,
                             env={**os.environ, "GIT_NO_LAZY_FETCH": "1"}, check=True).stdout.split()
    assert blob not in objects  # the fetch never brought the solution's blob
    assert (workspace / "awslab" / "labs" / LAB / "checks.py").is_file()
    assert not (workspace / "awslab" / "solutions").exists()
    # The template's own next steps, as written, until grading (they drop the git metadata).
    for step in steps[steps.index(checkout) + 1:]:
        if "awslab classroom report" in step.get("run", ""):
            break
        if "run" in step and "pip install" not in step["run"]:
            subprocess.run(["bash", "-euo", "pipefail", "-c", step["run"]], cwd=workspace, check=True)
    assert not (workspace / "awslab" / ".git").exists()  # no repository left to fetch the rest from
    assert files_holding(workspace, token) == []
    assert files_holding(workspace, blob) == []


def test_the_classroom_template_never_keeps_a_token_or_fetches_solutions():
    steps = yaml.safe_load(TEMPLATE.read_text())["jobs"]["run-autograding-tests"]["steps"]
    checkout = next(s for s in steps if s.get("with", {}).get("path") == "awslab")["with"]
    assert checkout["persist-credentials"] is False and checkout["filter"] == "blob:none"
    assert "solutions" not in checkout["sparse-checkout"]


def pack_env(solutions: Path) -> dict[str, str]:
    return {**os.environ, **LABS_ENV, "AWSLAB_LABS_PATH": str(solutions.parent.parent / "pack" / "labs"),
            "AWSLAB_SOLUTIONS_PATH": str(solutions)}


def test_the_gradescope_zip_holds_no_private_solution(private, tmp_path):
    token, solutions, _ = private
    zip_path = tmp_path / "autograder.zip"
    done = subprocess.run(awslab_command("gradescope", "build", LAB, "--out", str(zip_path)),
                          env=pack_env(solutions),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(zip_path) as archive:
        leaked = [name for name in archive.namelist() if token.encode() in archive.read(name)]
    assert leaked == [] and f"labs/{LAB}/checks.py" in archive.namelist()


@pytest.mark.parametrize("where", ["gradescope", "github classroom"])
def test_a_submission_searching_the_filesystem_at_grading_time_finds_no_solution(private, tmp_path, where):
    full_isolation_or_skip()
    token, solutions, probe = private
    env = pack_env(solutions)
    if where == "gradescope":
        root = tmp_path / "autograder"
        zip_path = tmp_path / "autograder.zip"
        subprocess.run(awslab_command("gradescope", "build", LAB, "--out", str(zip_path), "--timeout", "60"),
                       env=env, check=True, capture_output=True, timeout=120)
        zipfile.ZipFile(zip_path).extractall(root / "source")
        (root / "submission").mkdir(parents=True)
        (root / "submission" / f"{LAB}.py").write_text(probe)
        (root / "results").mkdir()
        # The autograder carries the pack's lab itself; the instructor's private solutions are on this
        # machine (AWSLAB_SOLUTIONS_PATH) and must still be out of the submission's sight.
        env.pop("AWSLAB_LABS_PATH")
        done = subprocess.run(["bash", str(root / "source" / "run_autograder")],
                              env={**env, "AWSLAB_GRADESCOPE_ROOT": str(root), "AWSLAB_PYTHON": sys.executable},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        results = json.loads((root / "results" / "results.json").read_text())
        outputs = {t["name"]: t["output"] for t in results["tests"]}
        score = (results["score"], sum(t["max_score"] for t in results["tests"]))
    else:
        repo = tmp_path / "submission"
        repo.mkdir()
        (repo / f"{LAB}.py").write_text(probe)
        done = subprocess.run(awslab_command("classroom", "report", "--dir", str(repo), "--lab", LAB,
                                             "--timeout", "60"), env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        results = json.loads(done.stdout)
        outputs = {t["name"]: t["message"] for t in results["tests"]}
        score = (sum(t["score"] for t in results["tests"]), results["max_score"])
    assert score == (4, 4), outputs  # double() scores only when the search ran (100+ files) and found nothing
    assert not any(token in text for text in outputs.values())
