"""Gradescope's autograder and GitHub Classroom's reporter format."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import zipfile

from .conftest import CLASS, LABS_ENV, ROOT, awslab_command


def build_autograder(tmp_path):
    zip_path = tmp_path / "autograder.zip"
    result = subprocess.run(awslab_command("gradescope", "build", "class_lab", "--out", str(zip_path),
                                           "--timeout", "20"),
                            env={**os.environ, **LABS_ENV}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return zip_path


def test_the_autograder_zip_holds_setup_run_awslab_and_the_lab_but_no_solution(tmp_path):
    names = zipfile.ZipFile(build_autograder(tmp_path)).namelist()
    assert {"setup.sh", "run_autograder", "awslab-gradescope.json", "labs/class_lab/checks.py",
            "awslab-src/pyproject.toml", "awslab-src/awslab/classroom/gradescope.py"} <= set(names)
    assert not [n for n in names if "solutions" in n or "__pycache__" in n]


def test_run_autograder_writes_gradescope_results_for_a_submission(tmp_path):
    root = tmp_path / "autograder"
    zipfile.ZipFile(build_autograder(tmp_path)).extractall(root / "source")
    (root / "submission" / "nested").mkdir(parents=True)
    shutil.copy(CLASS / "partial" / "class_lab.py", root / "submission" / "nested" / "class_lab.py")
    (root / "results").mkdir()
    env = {**os.environ, "AWSLAB_GRADESCOPE_ROOT": str(root), "AWSLAB_PYTHON": sys.executable}
    env.pop("AWSLAB_LABS_DIR", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert (results["score"], sum(t["max_score"] for t in results["tests"])) == (3, 4)
    assert [t["name"] for t in results["tests"]] == ["class_lab: make_bucket creates the bucket",
                                                     "class_lab: double doubles", "class_lab: greet greets by name"]
    failed = results["tests"][1]
    assert (failed["score"], failed["max_score"], failed["status"]) == (0, 1, "failed")
    assert "expected 42, got 23" in failed["output"]
    # A one-level hint is the answer: Gradescope shows where to ask for it, not the hint itself.
    assert "Multiply by two." not in failed["output"]
    assert "For a hint: awslab hint class_lab" in failed["output"]
    assert all(t["visibility"] == "visible" for t in results["tests"])


def test_run_autograder_scores_zero_when_nothing_is_submitted(tmp_path):
    root = tmp_path / "autograder"
    zipfile.ZipFile(build_autograder(tmp_path)).extractall(root / "source")
    (root / "submission").mkdir()
    env = {**os.environ, "AWSLAB_GRADESCOPE_ROOT": str(root), "AWSLAB_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, timeout=180)
    results = json.loads((root / "results" / "results.json").read_text())
    assert (results["score"], sum(t["max_score"] for t in results["tests"])) == (0, 4)
    assert "not submitted" in results["tests"][0]["output"]


def test_classroom_report_speaks_the_autograding_reporters_format(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(CLASS / "partial" / "class_lab.py", repo / "class_lab.py")
    github_output = tmp_path / "github_output"
    done = subprocess.run(awslab_command("classroom", "report", "--dir", str(repo), "--lab", "class_lab",
                                         "--github-output"),
                          env={**os.environ, **LABS_ENV, "GITHUB_OUTPUT": str(github_output)},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    name, value = github_output.read_text().strip().split("=", 1)
    assert name == "result" and json.loads(base64.b64decode(value)) == printed
    assert (printed["version"], printed["status"], printed["max_score"]) == (1, "fail", 4)
    assert sum(t["score"] for t in printed["tests"]) == 3  # partial credit, per check
    assert {t["status"] for t in printed["tests"]} == {"pass", "fail"}
    assert all({"name", "status", "score", "max_score", "message"} <= set(t) for t in printed["tests"])


def test_the_workflow_template_feeds_the_reporter_with_awslabs_result():
    import yaml

    workflow = yaml.safe_load((ROOT / "awslab" / "classroom" / "templates" / "classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "awslab")
    reporter = steps[-1]
    assert "awslab classroom report" in grade["run"] and "--github-output" in grade["run"]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter")
    assert reporter["with"]["runners"] == "awslab"
    assert reporter["env"]["AWSLAB_RESULTS"] == "${{ steps.awslab.outputs.result }}"
