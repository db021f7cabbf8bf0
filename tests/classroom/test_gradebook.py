"""The gradebook, the JSON of every check, feedback files and the class summary."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console

from awslab.classroom import Settings, find_students, grade_class
from awslab.classroom.gradebook import render_csv, write_outputs
from awslab.classroom.summary import most_failed, render_class_summary

from .conftest import CLASS, TIMEOUT, class_labs


def test_the_csv_gradebook_has_a_row_per_student_a_column_per_lab_and_a_total(graded_class):
    _, _, out = graded_class
    rows = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text())))
    assert rows[0] == ["student", "tiny_lab", "class_lab", "total"]
    assert rows[1] == ["correct", "6", "4", "10"]
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])
    assert all(int(row[1]) + int(row[2]) == int(row[3]) for row in rows[1:])


def test_the_json_holds_every_check_of_every_student_without_timings(graded_class):
    _, labs, out = graded_class
    document = json.loads((out / "gradebook.checks.json").read_text())
    assert [lab["id"] for lab in document["labs"]] == ["tiny_lab", "class_lab"]
    partial = next(s for s in document["students"] if s["student"] == "partial")
    checks = {(lab["lab"], c["name"]): c for lab in partial["labs"] for c in lab["checks"]}
    assert len(checks) == sum(len(lab.checks) for lab in labs)
    assert partial["score"] == 7
    assert "duration" not in json.dumps(document)


def test_feedback_says_what_failed_and_where_the_hint_is(graded_class):
    _, _, out = graded_class
    text = (out / "gradebook.feedback" / "partial.md").read_text()
    assert "FAILED (0/1) double doubles" in text
    assert "what happened: double(21): expected 42, got 23" in text
    # "Multiply by two." is a one-level hint, the answer itself: the feedback says how to ask.
    assert "Multiply by two." not in text
    assert "- a hint: `awslab hint tiny_lab`" in text
    assert "Total: 7/10" in text
    assert "Not submitted" in (out / "gradebook.feedback" / "missing.md").read_text()


def test_the_summary_charts_scores_and_the_checks_most_often_failed(graded_class):
    run, labs, _ = graded_class
    console = Console(width=120, record=True, file=io.StringIO(), color_system=None)
    console.print(render_class_summary(run.records, labs, isolation="full"))
    text = console.export_text()
    assert "Score distribution (13 students)" in text and "█" in text
    assert "Checks most often failed" in text
    top = most_failed(run.records)[0]
    assert top[0] == "class_lab" and top[2] <= top[3]


def test_a_rerun_reuses_every_result_and_writes_the_same_gradebook(graded_class, tmp_path):
    run, labs, out = graded_class
    again = grade_class(find_students(CLASS), labs, out / "gradebook.state",
                        Settings(timeout=TIMEOUT, memory_mb=512, jobs=2), hide=[CLASS])
    assert (again.graded_now, again.reused) == (0, len(run.records))
    write_outputs(again.records, labs, tmp_path / "gradebook.csv", "csv")
    for name in ("gradebook.csv", "gradebook.checks.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def test_grading_the_same_folder_twice_gives_identical_gradebooks(labs_env, tmp_path):
    students = [s for s in find_students(CLASS) if s.name in ("correct", "partial", "syntax_error", "missing")]
    labs = class_labs()
    files = []
    for attempt in ("first", "second"):
        run = grade_class(students, labs, tmp_path / attempt / "state", Settings(timeout=TIMEOUT, jobs=2))
        assert run.graded_now == len(students) * len(labs)
        write_outputs(run.records, labs, tmp_path / attempt / "gradebook.json", "json")
        files.append((tmp_path / attempt / "gradebook.json").read_bytes())
        files.append(render_csv(run.records, labs).encode())
    assert files[0] == files[2] and files[1] == files[3]


def test_a_student_folder_named_like_a_formula_is_not_run_by_the_spreadsheet():
    from awslab.escaping import csv_cell

    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_cell("ada") == "ada"


def test_every_isolation_level_gives_the_same_scores(labs_env, tmp_path):
    from awslab.classroom import isolation

    students = [s for s in find_students(CLASS) if s.name in ("correct", "partial")]
    labs = class_labs()[1:]
    scores = {}
    for level in ("process", isolation.detect().level):
        run = grade_class(students, labs, tmp_path / level, Settings(timeout=TIMEOUT, jobs=2, isolation=level))
        scores[level] = {key: record["score"] for key, record in run.records.items()}
    first, *others = scores.values()
    assert all(other == first for other in others), scores  # same scores, whatever the finishing order
    assert scores["process"][("partial", "class_lab")] == 3
