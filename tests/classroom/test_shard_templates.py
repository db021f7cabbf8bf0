"""The shipped templates that run shards on a batch engine: valid against their schemas (offline:
check-jsonschema's vendored GitHub workflow schema, kubernetes-validate's batch/v1 Job schema), and
the Kubernetes pods' own commands, run here, grade and merge a class."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import CLASS, LABS_ENV, ROOT

TEMPLATES = ROOT / "awslab" / "classroom" / "templates"
GITHUB = TEMPLATES / "shards-github.yml"
KUBERNETES = TEMPLATES / "shards-kubernetes.yml"
KUBERNETES_VERSION = "1.33.0"  # a release every supported cluster line knows Indexed Jobs in


def test_the_github_matrix_workflow_is_valid_against_the_vendored_workflow_schema():
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(GITHUB)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_workflow_fails_the_workflow_schema(tmp_path):
    workflow = yaml.safe_load(GITHUB.read_text())
    workflow["jobs"]["shard"]["stepz"] = workflow["jobs"]["shard"].pop("steps")  # a misspelt key
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(workflow))
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(broken)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0


def test_the_github_workflow_grades_one_shard_per_matrix_job_and_merges_them_all():
    workflow = yaml.safe_load(GITHUB.read_text())
    shard, merge = workflow["jobs"]["shard"], workflow["jobs"]["merge"]
    assert merge["needs"] == "shard" and shard["strategy"]["fail-fast"] is False
    grade = next(s["run"] for s in shard["steps"] if "awslab grade" in s.get("run", ""))
    assert "--shard ${{ matrix.shard }}/${{ strategy.job-total }}" in grade
    assert "--out results/gradebook.csv" in grade
    upload = next(s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "results/" and upload["with"]["name"] == "shard-${{ matrix.shard }}"
    download = next(s for s in merge["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"] == {"pattern": "shard-*", "path": "results", "merge-multiple": True}
    merged = next(s["run"] for s in merge["steps"] if "awslab grade merge" in s.get("run", ""))
    assert "results/gradebook.shard*of*.state" in merged and "--html" in merged
    assert shard["strategy"]["matrix"]["shard"] == list(range(1, len(shard["strategy"]["matrix"]["shard"]) + 1))


def kubernetes_documents() -> list[dict]:
    return [doc for doc in yaml.safe_load_all(KUBERNETES.read_text()) if doc]


def kubernetes_validate(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    """kubernetes-validate in a process of its own: this test folder's `packaging` package would
    shadow the library it imports."""
    return subprocess.run([sys.executable, "-m", "kubernetes_validate", "--strict", "-k", KUBERNETES_VERSION,
                           str(path)], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_the_kubernetes_jobs_are_valid_batch_v1_jobs_against_the_openapi_schema(tmp_path):
    documents = kubernetes_documents()
    assert [(d["apiVersion"], d["kind"]) for d in documents] == [("batch/v1", "Job")] * 2
    done = kubernetes_validate(KUBERNETES, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("passed for resource job/") == 2, done.stdout


@pytest.mark.parametrize("change", ["misspelt field", "wrong type"])
def test_a_broken_job_fails_the_kubernetes_schema(tmp_path, change):
    """The validation above can fail: a misspelt field is refused (strict) and so is a wrong type."""
    document = kubernetes_documents()[0]
    if change == "misspelt field":
        document["spec"]["completionsMode"] = document["spec"].pop("completionMode")
    else:
        document["spec"]["completions"] = "four"
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(document))
    assert kubernetes_validate(broken, tmp_path).returncode != 0


def test_the_indexed_job_has_one_pod_per_shard():
    grade, _ = kubernetes_documents()
    spec = grade["spec"]
    container = spec["template"]["spec"]["containers"][0]
    shards = next(e["value"] for e in container["env"] if e["name"] == "SHARDS")
    assert spec["completionMode"] == "Indexed" and spec["completions"] == int(shards) == spec["parallelism"]
    assert '--shard "$((JOB_COMPLETION_INDEX + 1))/$SHARDS"' in container["args"][0]


def pod_command(document: dict, root: Path) -> tuple[list[str], dict[str, str]]:
    """A pod's command as this machine runs it: the volumes' mount paths under `root`."""
    container = document["spec"]["template"]["spec"]["containers"][0]
    script = container["args"][0].replace("/class", str(root / "class")).replace("/results", str(root / "results"))
    env = {e["name"]: e["value"] for e in container["env"]}
    return [*container["command"], script], env


def test_the_kubernetes_pods_commands_grade_every_index_and_the_merge_writes_one_runs_gradebook(tmp_path):
    grade, merge = kubernetes_documents()
    folder = tmp_path / "class"
    for name, kind in (("ada", "correct"), ("grace", "partial"), ("linus", "correct")):
        (folder / name).mkdir(parents=True)
        shutil.copy(CLASS / kind / "class_lab.py", folder / name / "class_lab.py")
    (tmp_path / "results").mkdir()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, **LABS_ENV, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    command, pod_env = pod_command(grade, tmp_path)
    shards = int(pod_env["SHARDS"])  # 4 shards for 3 students: one pod has nobody to grade
    for index in range(shards):
        done = subprocess.run(command, env={**env, **pod_env, "JOB_COMPLETION_INDEX": str(index)},
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    command, pod_env = pod_command(merge, tmp_path)
    done = subprocess.run(command, env={**env, **pod_env}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    merged = tmp_path / "results" / "gradebook"
    assert (merged / "gradebook.csv").read_text() == "student,class_lab,total\nada,4,4\ngrace,3,3\nlinus,4,4\n"
    assert (merged / "report.html").is_file() and len(list((merged / "gradebook.feedback").iterdir())) == 3
    single = subprocess.run([sys.executable, "-m", "awslab", "grade", str(folder), "--out",
                             str(tmp_path / "single" / "gradebook.csv"), "-q"], env=env, capture_output=True,
                            text=True, timeout=600)
    assert single.returncode == 0, single.stderr
    for name in ("gradebook.csv", "gradebook.checks.json"):
        assert (merged / name).read_bytes() == (tmp_path / "single" / name).read_bytes()
    assert re.search(r"grade merge \S+/gradebook\.shard\*of\"\$SHARDS\"\.state", command[-1])
