"""A student's folder is read without trusting it (issue 15): links to secrets, solutions, peers and
/proc are refused and reported, never read; special files never hang the run; folder names of any
bytes and length keep distinct, reversible names in every output; skipped folders are listed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest

from awslab.classroom import folders
from awslab.classroom.roster import Student, find_students, fingerprint, skipped_folders, student_files

from .conftest import CLASS, FIXTURES, LABS_ENV, awslab_command

SECRET = "instructor-secret-in-a-file"


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


@pytest.mark.parametrize("target", ["secret", "/proc/self/environ", "/proc/self/pagemap", "/etc/shadow",
                                    "solution", "peer", "/dev/zero", "missing"])
def test_symbolic_links_are_refused_and_never_read(tmp_path, secret_file, target):
    peer = tmp_path / "peer" / "class_lab.py"
    peer.parent.mkdir()
    peer.write_text("PEER = 1\n")
    targets = {"secret": secret_file, "solution": FIXTURES / "solutions" / "class_lab.py", "peer": peer,
               "missing": tmp_path / "nothing"}
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "loot.py").symlink_to(targets.get(target, target))
    submission = folders.read_submission(folder)
    assert submission.files == {}
    assert "symbolic link" in submission.refused["loot.py"]


def test_a_fifo_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "class_lab.py")
    submission = folders.read_submission(tmp_path)
    assert "not a regular file" in submission.refused["class_lab.py"]


def test_a_hard_link_is_refused(tmp_path, secret_file):
    folder = tmp_path / "student"
    folder.mkdir()
    os.link(secret_file, folder / "class_lab.py")
    assert "hard link" in folders.read_submission(folder).refused["class_lab.py"]


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    (tmp_path / "big.py").write_bytes(b"#" * (folders.MAX_FILE_BYTES + 1))
    assert "larger than" in folders.read_submission(tmp_path).refused["big.py"]


def test_many_helper_files_never_push_the_lab_file_out(tmp_path):
    for n in range(60):
        (tmp_path / f"a{n:02d}.py").write_text(f"N = {n}\n")
    (tmp_path / "z_lab.py").write_text("LAB = 1\n")
    files = student_files(Student("s", tmp_path, ("z_lab.py",)))
    assert "z_lab.py" in files and len(files) == 61


def test_a_changed_helper_module_changes_the_fingerprint(tmp_path, labs_env):
    from awslab.grading import get_lab

    lab = get_lab("class_lab")
    (tmp_path / "class_lab.py").write_text("from helper import x\n")
    (tmp_path / "helper.py").write_text("x = 1\n")
    before = fingerprint(lab, Student("s", tmp_path), {"isolation": "full"})
    (tmp_path / "helper.py").write_text("x = 2\n")
    assert fingerprint(lab, Student("s", tmp_path), {"isolation": "full"}) != before


def test_the_isolation_level_is_in_the_fingerprint(tmp_path, labs_env):
    from awslab.grading import get_lab

    lab = get_lab("class_lab")
    (tmp_path / "class_lab.py").write_text("x = 1\n")
    student = Student("s", tmp_path)
    assert fingerprint(lab, student, {"isolation": "full"}) != fingerprint(lab, student, {"isolation": "process"})


@pytest.mark.parametrize("name", [b"M\xfcller", "x" * 255, "a b", "a?b", "a%3Fb", "\x1b[31mred", "=1+1"])
def test_folder_labels_are_printable_and_reversible(name):
    label = folders.label(name)
    assert folders.unlabel(label) == os.fsencode(name)
    assert label.isprintable()
    label.encode("utf-8")
    assert len(folders.file_name(label, ".md").encode()) <= 255


def test_colliding_names_get_distinct_feedback_files():
    names = ["a b", "a?b", "a_b", "a%20b", "A_b", "x" * 250 + "1", "x" * 250 + "2", "." + "a", "%2Ea"]
    files = {folders.file_name(folders.label(n), ".md") for n in names}
    assert len(files) == len(names)
    assert not any(f.startswith(".") or "/" in f for f in files)


def test_hidden_underscore_and_linked_folders_are_listed_as_skipped(tmp_path):
    for name in (".git", "_template", "alice"):
        (tmp_path / name).mkdir()
    (tmp_path / "mallory").symlink_to(FIXTURES / "solutions")
    assert [s.name for s in find_students(tmp_path)] == ["alice"]
    assert {s.name: s.reason.split()[0] for s in skipped_folders(tmp_path)} == {
        ".git": "its", "_template": "its", "mallory": "a"}


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """A class graded by `awslab grade`: links everywhere, odd names, a Latin-1 and a 255-byte name."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "class"
    correct = (CLASS / "correct" / "tiny_lab.py").read_bytes()
    names = [b"M\xfcller", b"y" * 255, b"a b", b"a?b", b"a_b", b"\x1b[31mred", b"=1+1"]
    for name in names:
        path = Path(os.fsdecode(bytes(folder) + b"/" + name))
        path.mkdir(parents=True)
        (path / "tiny_lab.py").write_bytes(correct)
    linker = folder / "linker"
    linker.mkdir()
    (linker / "tiny_lab.py").symlink_to(FIXTURES / "solutions" / "tiny_lab.py")
    (linker / "loot.py").symlink_to("/proc/self/environ")
    (linker / "pagemap.py").symlink_to("/proc/self/pagemap")
    (folder / "_skipped").mkdir()
    (folder / ".hidden").mkdir()
    out = root / "gradebook.csv"
    env = {**os.environ, **LABS_ENV, "INSTRUCTOR_TOKEN": SECRET}
    done = subprocess.run(awslab_command("grade", str(folder), "--lab", "tiny_lab", "--out", str(out),
                                         "--timeout", "20"),
                          env=env, capture_output=True, timeout=600, cwd=root)
    return done, out, names


def test_a_hostile_class_is_graded_to_the_end(hostile_class):
    done, out, names = hostile_class
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(names) + 1
    by_name = {row["student"]: row for row in rows}
    assert by_name["linker"]["tiny_lab"] == "0"
    assert all(row["tiny_lab"] != "0" for name, row in by_name.items() if name != "linker")


def test_links_are_reported_in_feedback_and_summary_never_read(hostile_class):
    done, out, _ = hostile_class
    feedback = (out.with_name("gradebook.feedback") / "linker.md").read_text()
    assert "- loot.py: a symbolic link" in feedback and "tiny\\_lab.py" in feedback
    outputs = [p for p in out.parent.rglob("*") if p.is_file() and not p.is_symlink() and "class" not in p.parts]
    everything = b"".join(p.read_bytes() for p in outputs) + done.stdout
    assert SECRET.encode() not in everything
    assert b"files not read" in done.stdout and b".hidden" in done.stdout and b"_skipped" in done.stdout


def test_odd_names_keep_distinct_reversible_names_in_every_output(hostile_class):
    done, out, names = hostile_class
    labels = {folders.label(name) for name in names}
    document = json.loads(out.with_name("gradebook.checks.json").read_text())
    assert labels <= {s["student"] for s in document["students"]}
    feedback = {p.name for p in out.with_name("gradebook.feedback").iterdir()}
    assert {folders.file_name(label, ".md") for label in labels} <= feedback
    assert b"\x1b" not in done.stdout + done.stderr


def test_formula_folder_names_are_guarded_in_the_csv(hostile_class):
    _, out, _ = hostile_class
    assert "'=1+1" in out.read_text()


@pytest.mark.parametrize("target", ["solution", "/proc/self/environ", "/proc/self/pagemap"])
def test_classroom_report_refuses_a_linked_lab_file(tmp_path, target):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "class_lab.py").symlink_to(FIXTURES / "solutions" / "class_lab.py" if target == "solution" else target)
    done = subprocess.run(awslab_command("classroom", "report", "--dir", str(repo), "--lab", "class_lab"),
                          env={**os.environ, **LABS_ENV, "INSTRUCTOR_TOKEN": SECRET}, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert sum(t["score"] for t in printed["tests"]) == 0
    assert "symbolic link" in printed["tests"][0]["message"] and SECRET not in done.stdout
