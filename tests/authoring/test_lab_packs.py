"""Lab packs: labs from a folder (--labs DIR, AWSLAB_LABS_PATH) or from an installed package's
`awslab.labs` entry point are listed, checked and graded like the course's own labs; no engine file
changes to add one."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from awslab.grading.labs import LabError, all_labs, get_lab


def awslab(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "awslab", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture
def pack(tmp_path):
    """A pack written by `awslab lab new`, outside the repository: pack/labs/my_queue, pack/solutions."""
    made = awslab("lab", "new", "my_queue", "--dir", "pack/labs", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    return tmp_path / "pack"


def test_a_pack_folder_given_with_labs_is_listed_with_where_it_comes_from(pack, tmp_path):
    listed = awslab("--labs", "pack/labs", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    by_id = {row["id"]: row for row in json.loads(listed.stdout)}
    assert by_id["my_queue"]["source"] == f"folder {pack / 'labs'}"
    assert by_id["sqs_dlq"]["source"] == "built-in"


def test_a_pack_lab_edited_by_its_author_is_checked_like_a_built_in_one(pack, tmp_path):
    lab = pack / "labs" / "my_queue"
    (lab / "lab.toml").write_text((lab / "lab.toml").read_text().replace('title = "My queue"',
                                                                        'title = "Orders queue"'))
    assert awslab("lab", "test", "pack/labs/my_queue", cwd=tmp_path).returncode == 0
    env = {"AWSLAB_LABS_PATH": str(pack / "labs")}
    full = awslab("check", "my_queue", "--file", "pack/solutions/my_queue.py", "--format", "json", cwd=tmp_path,
                  env=env)
    assert full.returncode == 0, full.stderr
    assert json.loads(full.stdout)["score"] == 3
    starter = awslab("check", "my_queue", "--file", str(lab / "starter.py"), "--format", "json", cwd=tmp_path,
                     env=env)
    assert starter.returncode == 1
    assert json.loads(starter.stdout)["score"] == 0


def test_a_class_is_graded_on_a_pack_lab_and_a_built_in_lab_together(pack, tmp_path):
    from awslab.grading.labs import solutions_dir

    for student, files in {"alice": {"my_queue.py": (pack / "solutions" / "my_queue.py").read_text(),
                                     "sqs_dlq.py": (solutions_dir() / "sqs_dlq.py").read_text()},
                           "bob": {"my_queue.py": (pack / "labs" / "my_queue" / "starter.py").read_text()}}.items():
        (tmp_path / "class" / student).mkdir(parents=True)
        for name, text in files.items():
            (tmp_path / "class" / student / name).write_text(text)
    done = awslab("--labs", "pack/labs", "grade", "class", "--lab", "my_queue,sqs_dlq", "-o", "gradebook.csv", "-q",
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "gradebook.csv").open())}
    assert rows["alice"]["my_queue"] == "3" and rows["alice"]["sqs_dlq"] == "24"
    assert rows["bob"]["my_queue"] == "0"


def test_gradescope_build_carries_a_pack_lab_without_its_solution_or_wrong_answers(pack, tmp_path):
    done = awslab("--labs", "pack/labs", "gradescope", "build", "my_queue", "-o", "autograder.zip", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(tmp_path / "autograder.zip").namelist()
    assert "labs/my_queue/checks.py" in names and "labs/my_queue/starter.py" in names
    assert not [n for n in names if "wrong" in n.split("/") or n.endswith("solutions/my_queue.py")]


def _installed_pack(tmp_path: Path, pack: Path) -> Path:
    """A package `orders_pack` with an `awslab.labs` entry point, installed on a path of its own:
    importlib.metadata finds it there as it finds what pip installs into site-packages."""
    site = tmp_path / "site"
    package = site / "orders_pack"
    package.mkdir(parents=True)
    (pack / "labs").rename(package / "labs")
    (package / "__init__.py").write_text("")
    info = site / "orders_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: orders-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[awslab.labs]\norders = orders_pack\n")
    return site


def test_a_package_with_an_awslab_labs_entry_point_adds_its_labs(pack, tmp_path):
    site = _installed_pack(tmp_path, pack)
    env = {"PYTHONPATH": str(site), "AWSLAB_SOLUTIONS_PATH": str(pack / "solutions")}
    listed = awslab("list", "--json", cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert {row["id"]: row["source"] for row in json.loads(listed.stdout)}["my_queue"] == "package orders-pack"
    full = awslab("check", "my_queue", "--file", str(pack / "solutions" / "my_queue.py"), cwd=tmp_path, env=env)
    assert full.returncode == 0, full.stdout + full.stderr


def test_a_pack_lab_with_the_id_of_a_built_in_lab_is_an_error_naming_both(tmp_path):
    assert awslab("lab", "new", "sqs_dlq", "--dir", "pack/labs", cwd=tmp_path).returncode == 0
    listed = awslab("--labs", "pack/labs", "list", cwd=tmp_path)
    assert listed.returncode == 2
    assert "lab sqs_dlq is in two places" in listed.stderr
    assert "built-in" in listed.stderr and str(tmp_path / "pack" / "labs" / "sqs_dlq") in listed.stderr


def test_a_pack_folder_that_does_not_exist_is_a_one_line_error(tmp_path):
    listed = awslab("--labs", "nowhere", "list", cwd=tmp_path)
    assert listed.returncode == 2
    assert "is not a folder" in listed.stderr and listed.stderr.strip().count("\n") == 0


def test_a_pack_keeps_its_solutions_apart_where_awslab_solutions_path_points(pack, tmp_path, monkeypatch):
    private = tmp_path / "instructor-only"
    (pack / "solutions").rename(private)
    monkeypatch.setenv("AWSLAB_LABS_PATH", str(pack / "labs"))
    monkeypatch.setenv("AWSLAB_SOLUTIONS_PATH", str(private))
    lab = get_lab("my_queue")
    assert lab.solution == private / "my_queue.py"
    assert private in lab.private_dirs  # hidden from learners in classroom grading


def test_a_pack_entry_point_that_names_no_folder_is_named_in_the_error(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "broken_pack-1.0.dist-info").mkdir(parents=True)
    (site / "broken_pack-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-pack\n"
                                                                 "Version: 1.0\n")
    (site / "broken_pack-1.0.dist-info" / "entry_points.txt").write_text("[awslab.labs]\nb = no_such_module\n")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(LabError, match="lab pack b .no_such_module. does not load"):
        all_labs()


def test_init_puts_a_pack_lab_in_the_workspace_and_check_finds_it_there(pack, tmp_path):
    env = {"AWSLAB_LABS_PATH": str(pack / "labs")}
    assert awslab("init", "ws", cwd=tmp_path, env=env).returncode == 0
    assert (tmp_path / "ws" / "my_queue.py").read_text() == (pack / "labs" / "my_queue" / "starter.py").read_text()
    (tmp_path / "ws" / "my_queue.py").write_text((pack / "solutions" / "my_queue.py").read_text())
    done = awslab("check", "my_queue", cwd=tmp_path / "ws", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "my_queue 3/3" in done.stdout


def test_classroom_report_grades_a_pack_lab_in_a_students_repository(pack, tmp_path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "my_queue.py").write_text((pack / "solutions" / "my_queue.py").read_text())
    done = awslab("--labs", "pack/labs", "classroom", "report", "--dir", "repo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "pass" and report["max_score"] == 3
    assert all(test["name"].startswith("my_queue: ") for test in report["tests"])


def test_watch_regrades_a_pack_lab_in_a_workspace(pack, tmp_path):
    """watch works with a pack lab as with a built-in one: the starter's score first, then full marks
    after the solution is saved (no terminal: keys per line, end of input ends it)."""
    import threading
    import time

    env = {**os.environ, "AWSLAB_LABS_PATH": str(pack / "labs"), "COLUMNS": "120"}
    assert awslab("init", "ws", cwd=tmp_path, env=env).returncode == 0
    watch = subprocess.Popen([sys.executable, "-m", "awslab", "watch", "my_queue"], cwd=tmp_path / "ws", env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    seen: list[str] = []
    threading.Thread(target=lambda: seen.extend(iter(watch.stdout.readline, "")), daemon=True).start()

    def wait_for(text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in "".join(seen):
            if watch.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"watch never printed {text!r}:\n{''.join(seen)}")
            time.sleep(0.1)

    try:
        wait_for("my_queue 0/3")
        (tmp_path / "ws" / "my_queue.py").write_text((pack / "solutions" / "my_queue.py").read_text())
        wait_for("my_queue 3/3")
        watch.stdin.close()
        assert watch.wait(timeout=30) == 0
    finally:
        if watch.poll() is None:
            os.killpg(watch.pid, 9)
            watch.wait()
