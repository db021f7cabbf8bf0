"""Honest students are not hurt by the protocol (a sleep at import), and `--isolation process`
(no sandbox) is refused unless the instructor says the submissions are trusted."""

from __future__ import annotations

import os
import shutil
import subprocess

from .conftest import CLASS, FIXTURES, LABS_ENV, awslab_command


def test_the_reference_solution_with_a_sleep_at_import_scores_full(labs_env, tmp_path):
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.grading import get_lab

    folder = tmp_path / "class" / "sleeper"
    folder.mkdir(parents=True)
    solution = (FIXTURES / "solutions" / "class_lab.py").read_text()
    (folder / "class_lab.py").write_text("import time\ntime.sleep(0.5)\nprint('sleep')\n" + solution)
    lab = get_lab("class_lab")
    run = grade_class(find_students(folder.parent), [lab], tmp_path / "state", Settings(timeout=20, jobs=1))
    record = run.records[("sleeper", "class_lab")]
    assert (record["status"], record["score"]) == ("graded", lab.max_score)


def test_process_isolation_is_refused_without_trust_submissions(tmp_path):
    shutil.copytree(CLASS / "correct", tmp_path / "class" / "ada")
    done = subprocess.run(awslab_command("grade", str(tmp_path / "class"), "--isolation", "process",
                                         "--out", str(tmp_path / "g.csv")),
                          env={**os.environ, **LABS_ENV, "COLUMNS": "400"}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert "--trust-submissions" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "g.csv").exists()


def test_results_recorded_at_a_weaker_isolation_level_are_not_reused(labs_env, tmp_path):
    from awslab.classroom import Settings, find_students, grade_class, isolation
    from awslab.grading import get_lab

    if isolation.detect().level == "process":
        import pytest

        pytest.skip("only process isolation here")
    shutil.copytree(CLASS / "correct", tmp_path / "class" / "ada")
    labs = [get_lab("tiny_lab")]
    weak = grade_class(find_students(tmp_path / "class"), labs, tmp_path / "state",
                       Settings(timeout=20, jobs=1, isolation="process"))
    strong = grade_class(find_students(tmp_path / "class"), labs, tmp_path / "state", Settings(timeout=20, jobs=1))
    assert (weak.graded_now, strong.graded_now, strong.reused) == (1, 1, 0)
