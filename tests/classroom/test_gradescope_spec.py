"""Gradescope's results.json as its specification lists it
(https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format"): only its keys;
what students see never shows awslab's internals; visibility and leaderboard set at build time."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from types import SimpleNamespace

from awslab.classroom import gradescope
from awslab.classroom.gradescope import RESULT_KEYS, TEST_KEYS, main, results_json

from .conftest import LABS_ENV, awslab_command

LAB = SimpleNamespace(id="class_lab", title="Class lab")
RECORDS = {"class_lab": {"score": 1, "max_score": 3, "result": {"load_error": None, "checks": [
    {"name": "a", "title": "A", "status": "passed", "points": 1, "max_points": 1, "message": "", "hint": ""},
    {"name": "b", "title": "B", "status": "failed", "points": 0, "max_points": 2, "message": "no", "hint": "try"},
]}}}


def test_gradescope_results_have_only_the_specs_keys():
    results = results_json(RECORDS, [LAB], leaderboard=True)
    assert set(results) <= RESULT_KEYS and "max_score" not in results
    assert all(set(test) <= TEST_KEYS for test in results["tests"])
    assert results["score"] == 1 and [t["max_score"] for t in results["tests"]] == [1, 2]


def test_gradescope_visibility_applies_to_results_and_every_test():
    results = results_json(RECORDS, [LAB], visibility="after_due_date")
    assert results["visibility"] == "after_due_date"
    assert {t["visibility"] for t in results["tests"]} == {"after_due_date"}


def test_gradescope_leaderboard_entry_has_name_value_order():
    assert results_json(RECORDS, [LAB], leaderboard=True)["leaderboard"] == [
        {"name": "Score", "value": 1, "order": "desc"}]
    assert "leaderboard" not in results_json(RECORDS, [LAB])


def test_gradescope_crash_shows_students_no_trace_and_keeps_it_for_instructors(tmp_path, capsys):
    (tmp_path / "results").mkdir()  # no source/awslab-gradescope.json: run() raises
    assert main(["--root", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert set(results) <= RESULT_KEYS
    assert results["score"] == 0 and results["stdout_visibility"] == "hidden"
    assert "Traceback" not in results["output"] and str(tmp_path) not in results["output"]
    assert "/" not in results["output"] and "Error" not in results["output"]
    assert "Traceback" in capsys.readouterr().out  # Gradescope's stdout: shown to instructors only


def test_gradescope_build_records_visibility_and_leaderboard(tmp_path):
    zip_path = tmp_path / "ag.zip"
    done = subprocess.run(awslab_command("gradescope", "build", "class_lab", "--out", str(zip_path),
                                         "--visibility", "after_published", "--leaderboard"),
                          env={**os.environ, **LABS_ENV}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    config = json.loads(zipfile.ZipFile(zip_path).read(gradescope.CONFIG))
    assert (config["visibility"], config["leaderboard"]) == ("after_published", True)


def test_gradescope_build_refuses_an_unknown_visibility(tmp_path):
    done = subprocess.run(awslab_command("gradescope", "build", "class_lab", "--out", str(tmp_path / "ag.zip"),
                                         "--visibility", "sometimes"),
                          env={**os.environ, **LABS_ENV}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
