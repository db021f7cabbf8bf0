"""The workspace: init, refusing to overwrite work, backups, reset, progress records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from learner_helpers import fake_result

from awslab.workspace import (
    DONE,
    NOT_STARTED,
    PARTIAL,
    Workspace,
    WorkspaceError,
    init_workspace,
    record_check_result,
    untouched_functions,
)


def by_id(labs, lab_id):
    return next(lab for lab in labs if lab.id == lab_id)


def test_init_writes_each_starter_a_readme_and_a_progress_file(labs, tmp_path):
    report = init_workspace(tmp_path / "work", labs)
    root = tmp_path / "work"
    assert sorted(report.created) == ["second_lab.py", "tiny_lab.py"]
    for lab in labs:
        assert (root / f"{lab.id}.py").read_text() == lab.starter.read_text()
    readme = (root / "README.md").read_text()
    assert "awslab watch" in readme and "awslab hint" in readme and "awslab progress" in readme
    assert json.loads((root / ".awslab" / "progress.json").read_text())["labs"] == {}
    assert Workspace.find(root / "somewhere" / "deeper").root == root.resolve()


def test_init_again_leaves_untouched_files_and_progress_alone(labs, workspace):
    workspace.record_result(fake_result(by_id(labs, "tiny_lab"), 2))
    report = init_workspace(workspace.root, labs)
    assert sorted(report.unchanged) == ["second_lab.py", "tiny_lab.py"]
    assert workspace.progress("tiny_lab").attempts == 1


def test_init_refuses_to_overwrite_an_edited_file_and_names_the_fix(labs, workspace):
    mine = workspace.lab_file("tiny_lab")
    mine.write_text("# my work\n")
    with pytest.raises(WorkspaceError) as error:
        init_workspace(workspace.root, labs)
    assert "tiny_lab.py" in str(error.value) and "--force" in str(error.value) and "backups" in str(error.value)
    assert mine.read_text() == "# my work\n"


def test_init_force_keeps_a_backup_of_the_edited_file(labs, workspace):
    mine = workspace.lab_file("tiny_lab")
    mine.write_text("# my work\n")
    report = init_workspace(workspace.root, labs, force=True)
    [(name, backup)] = report.replaced
    assert name == "tiny_lab.py" and backup.read_text() == "# my work\n"
    assert backup.parent == workspace.backups_dir
    assert mine.read_text() == by_id(labs, "tiny_lab").starter.read_text()


def test_init_keeps_a_readme_that_is_not_awslabs(labs, tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "README.md").write_text("my notes\n")
    init_workspace(tmp_path / "work", labs)
    assert (tmp_path / "work" / "README.md").read_text() == "my notes\n"


def test_reset_restores_the_starter_and_backs_up_the_learners_file(labs, workspace):
    lab = by_id(labs, "second_lab")
    workspace.lab_file(lab.id).write_text("def greet(name):\n    return 'hi'\n")
    backup = workspace.reset(lab)
    assert backup.read_text() == "def greet(name):\n    return 'hi'\n"
    assert workspace.lab_file(lab.id).read_text() == lab.starter.read_text()
    assert workspace.reset(lab) is None  # nothing of the learner's to keep the second time


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(labs, workspace):
    path = workspace.lab_file("tiny_lab")
    moment = dt.datetime(2026, 1, 1, 12, 0, 0)
    path.write_text("one")
    first = workspace.backup(path, now=moment)
    path.write_text("two")
    second = workspace.backup(path, now=moment)
    assert first != second and first.read_text() == "one" and second.read_text() == "two"


def test_progress_goes_from_not_started_to_partial_to_done_keeping_the_best_score(labs, workspace):
    lab = by_id(labs, "tiny_lab")
    assert workspace.progress(lab.id).status == NOT_STARTED
    start = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone.utc)
    workspace.record_result(fake_result(lab, 3), now=start)
    assert workspace.progress(lab.id).status == PARTIAL
    workspace.record_result(fake_result(lab, 6), now=start + dt.timedelta(minutes=25))
    workspace.record_result(fake_result(lab, 1), now=start + dt.timedelta(minutes=30))
    record = workspace.progress(lab.id)
    assert (record.status, record.best_score, record.last_score, record.max_score, record.attempts) == (DONE, 6, 1, 6, 3)
    assert record.time_spent() == 25 * 60  # first graded -> completed
    assert [c["title"] for c in record.failing] == ["second check"]


def test_time_spent_on_an_unfinished_lab_is_the_time_watched(labs, workspace):
    workspace.record_result(fake_result(by_id(labs, "tiny_lab"), 1))
    workspace.add_watch_time("tiny_lab", 90)
    workspace.add_watch_time("tiny_lab", 30)
    assert workspace.progress("tiny_lab").time_spent() == 120


def test_check_records_progress_only_for_the_workspace_lab_file(labs, workspace, tmp_path):
    lab = by_id(labs, "tiny_lab")
    assert record_check_result(fake_result(lab, 2), tmp_path / "elsewhere.py") is None
    assert record_check_result(fake_result(lab, 2), workspace.lab_file(lab.id)).attempts == 1


def test_untouched_functions_are_those_still_as_in_the_starter(labs, workspace):
    lab = by_id(labs, "second_lab")
    path = workspace.lab_file(lab.id)
    assert untouched_functions(lab, path) == ["greet", "shout"]
    path.write_text("def greet(name):\n    return 'hello, ' + name\n\n\ndef shout(text):\n    return text\n")
    assert untouched_functions(lab, path) == ["shout"]
    path.write_text("def greet(:\n")  # mid-edit: say nothing rather than guess
    assert untouched_functions(lab, path) == []


def test_progress_times_are_real_even_while_the_virtual_clock_travels(labs, workspace):
    from awslab.clock import VirtualClock

    lab = by_id(labs, "tiny_lab")
    with VirtualClock(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), follow_process=True):
        assert dt.datetime.now().year == 2020
        workspace.record_result(fake_result(lab, 6))
    opened = dt.datetime.fromisoformat(workspace.progress(lab.id).first_opened)
    assert abs((dt.datetime.now(dt.timezone.utc) - opened).total_seconds()) < 60


def test_a_broken_progress_file_is_an_error_that_names_the_fix(workspace):
    workspace.progress_path.write_text("{not json")
    with pytest.raises(WorkspaceError, match="delete the file"):
        workspace.progress("tiny_lab")
