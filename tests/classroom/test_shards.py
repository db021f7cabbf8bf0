"""A class graded in shards (separate processes, as on separate machines) and merged gives the
files of one run over the whole class, byte for byte; a merge of shards that do not fit is one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import CLASS, LABS_ENV, awslab_command

KINDS = ("correct", "partial", "correct", "missing", "partial", "syntax_error", "correct")
SHARDS = 3


def make_class(root: Path) -> Path:
    folder = root / "class"
    for number, kind in enumerate(KINDS):
        student = folder / f"s{number:02d}-{kind}"
        student.mkdir(parents=True)
        for source in (CLASS / kind).glob("*.py"):
            shutil.copy(source, student / source.name)
    return folder


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(awslab_command(*args), env={**os.environ, **LABS_ENV}, cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def outputs(folder: Path, stem: str) -> dict[str, bytes]:
    files = {f"{stem}.csv": folder / f"{stem}.csv", f"{stem}.checks.json": folder / f"{stem}.checks.json",
             "report.html": folder / "report.html"}
    files.update({f"feedback/{p.name}": p for p in sorted((folder / f"{stem}.feedback").iterdir())})
    return {name: path.read_bytes() for name, path in files.items()}


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """The class graded twice whole (fresh state each time) and once in SHARDS shards run at once."""
    root = tmp_path_factory.mktemp("shards")
    folder = make_class(root)
    common = ["--lab", "class_lab", "--jobs", "1", "--timeout", "20", "-q"]
    for name in ("single", "again"):
        (root / name).mkdir()
        done = run("grade", str(folder), "--out", "gradebook.csv", "--html", "report.html", *common, cwd=root / name)
        assert done.returncode == 0, done.stderr
    (root / "sharded").mkdir()
    env = {**os.environ, **LABS_ENV}
    shards = [subprocess.Popen(awslab_command("grade", str(folder), "--shard", f"{k}/{SHARDS}",
                                              "--out", "gradebook.csv", *common),
                               env=env, cwd=root / "sharded", stderr=subprocess.PIPE, text=True)
              for k in range(1, SHARDS + 1)]
    for shard in shards:
        assert shard.wait(timeout=600) == 0, shard.stderr.read()
    states = sorted(str(p) for p in (root / "sharded").glob("gradebook.shard*of*.state"))
    assert len(states) == SHARDS
    merged = run("grade", "merge", *states, "--out", "gradebook.csv", "--html", "report.html", "-q",
                 cwd=root / "sharded")
    assert merged.returncode == 0, merged.stderr
    return root, states


def test_shards_run_as_separate_processes_merge_into_the_files_of_a_single_run(sharded):
    root, states = sharded
    single, merged = outputs(root / "single", "gradebook"), outputs(root / "sharded", "gradebook")
    assert len(single) == 3 + len(KINDS)  # gradebook, JSON, report.html, a feedback file per student
    assert merged == single
    rows = single["gradebook.csv"].decode().splitlines()
    assert rows[0] == "student,class_lab,total" and len(rows) == 1 + len(KINDS)


def test_grading_the_same_class_twice_gives_byte_identical_files(sharded):
    root, _ = sharded
    assert outputs(root / "single", "gradebook") == outputs(root / "again", "gradebook")


def test_each_shard_grades_a_disjoint_slice_of_the_sorted_class(sharded):
    _, states = sharded
    slices = [json.loads((Path(s) / "shard.json").read_text())["students"] for s in states]
    names = sorted(f"s{n:02d}-{kind}" for n, kind in enumerate(KINDS))
    assert slices == [names[k::SHARDS] for k in range(SHARDS)]
    for state, students in zip(states, slices):  # only its own students' results are in a shard's folder
        assert sorted(p.name for p in (Path(state) / "results").iterdir()) == students


def copy_states(sharded, tmp_path) -> list[Path]:
    _, states = sharded
    copies = []
    for state in states:
        copies.append(tmp_path / Path(state).name)
        shutil.copytree(state, copies[-1])
    return copies


def merge_error(tmp_path, *states) -> str:
    done = run("grade", "merge", *map(str, states), "--out", "gradebook.csv", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "gradebook.csv").exists()
    return done.stderr


def test_a_merge_without_every_shard_names_the_missing_one(sharded, tmp_path):
    states = copy_states(sharded, tmp_path)
    assert "missing shard 2/3" in merge_error(tmp_path, states[0], states[2])


def test_a_shard_given_twice_is_refused(sharded, tmp_path):
    states = copy_states(sharded, tmp_path)
    assert "shard 1/3 given twice" in merge_error(tmp_path, states[0], states[0], states[1], states[2])


def test_shards_that_overlap_are_refused(sharded, tmp_path):
    states = copy_states(sharded, tmp_path)
    manifest = json.loads((states[1] / "shard.json").read_text())
    manifest["students"].append(json.loads((states[0] / "shard.json").read_text())["students"][0])
    (states[1] / "shard.json").write_text(json.dumps(manifest))
    assert "shards overlap" in merge_error(tmp_path, *states)


@pytest.mark.parametrize("key, value, words", [
    ("settings", {"timeout": 99.0, "memory_mb": 1024, "isolation": "full"}, "different settings"),
    ("awslab", "0.0.1", "different awslab versions"),
    ("lab_digests", {"class_lab": "0" * 32}, "different lab content"),
    ("labs", [{"id": "other_lab", "title": "x", "max_score": 1}], "different labs"),
])
def test_shards_graded_differently_are_refused(sharded, tmp_path, key, value, words):
    states = copy_states(sharded, tmp_path)
    manifest = json.loads((states[2] / "shard.json").read_text())
    manifest[key] = value
    (states[2] / "shard.json").write_text(json.dumps(manifest))
    assert words in merge_error(tmp_path, *states)


def test_an_unfinished_shard_is_refused(sharded, tmp_path):
    states = copy_states(sharded, tmp_path)
    (states[1] / "shard.json").unlink()
    assert "not a finished shard" in merge_error(tmp_path, *states)


def test_a_result_changed_after_the_shard_finished_is_not_merged(sharded, tmp_path):
    states = copy_states(sharded, tmp_path)
    result = next((states[0] / "results").glob("*/class_lab.json"))
    record = json.loads(result.read_text())
    record["fingerprint"] = "0" * 32
    result.write_text(json.dumps(record))
    assert "is not graded yet" in merge_error(tmp_path, *states)


def test_html_goes_with_the_merge_not_a_shard(tmp_path):
    (tmp_path / "class" / "ada").mkdir(parents=True)
    done = run("grade", str(tmp_path / "class"), "--shard", "1/2", "--html", "r.html", cwd=tmp_path)
    assert done.returncode == 2 and "--html goes with awslab grade merge" in done.stderr


@pytest.mark.parametrize("shard, words", [("0/3", "between 1 and N"), ("4/3", "between 1 and N"),
                                          ("1/0", "between 1 and N"), ("two", "K/N")])
def test_a_shard_out_of_range_is_a_one_line_error(tmp_path, shard, words):
    (tmp_path / "class" / "ada").mkdir(parents=True)
    done = run("grade", str(tmp_path / "class"), "--shard", shard, cwd=tmp_path)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_interrupted_shard_resumes_and_reuses_what_it_graded(sharded, tmp_path):
    root, states = sharded
    folder = root / "class"
    work = tmp_path / "work"
    work.mkdir()
    state = work / Path(states[0]).name
    shutil.copytree(states[0], state)
    (state / "shard.json").unlink()  # as if killed before it finished
    first = next((state / "results").iterdir())
    shutil.rmtree(first)
    done = run("grade", str(folder), "--shard", f"1/{SHARDS}", "--out", "gradebook.csv", "--lab", "class_lab",
               "--jobs", "1", "--timeout", "20", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "graded 1, reused" in " ".join(done.stdout.split())
    assert json.loads((state / "shard.json").read_text()) == json.loads((Path(states[0]) / "shard.json").read_text())
