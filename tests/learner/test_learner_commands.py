"""The learner commands: hints step by step, the solution gate, progress, reset, errors that name the fix."""

from __future__ import annotations

import json

import pytest
import typer
from learner_helpers import fake_result, run_awslab

from awslab import workspace_views
from awslab.commands import workspace as workspace_commands
from awslab.commands.common import UsageError
from awslab.grading import LabError

LEARNER_COMMANDS = ("init", "watch", "hint", "solution", "progress", "reset")


def by_id(labs, lab_id):
    return next(lab for lab in labs if lab.id == lab_id)


# -- hints ---------------------------------------------------------------------------------------------
def test_each_hint_request_shows_one_more_concrete_hint_then_stops(cli, workspace):
    first = cli("hint", "second_lab").output
    assert "A greeting starts" in first and "f-string" not in first and "hint 1 of 3" in first
    second = cli("hint", "second_lab").output
    assert "f-string" in second and "hint 2 of 3" in second
    cli("hint", "second_lab")
    last = cli("hint", "second_lab").output
    assert "hint 3 of 3" in last and "most concrete hint there is" in last
    assert workspace.progress("second_lab").hints_seen == {"greet": 3}


def test_level_n_shows_the_first_n_hints(cli, workspace):
    output = cli("hint", "second_lab", "--level", "2").output
    assert "A greeting starts" in output and "f-string" in output and "'hello, ' followed" not in output


def test_hints_follow_the_first_function_still_as_in_the_starter(cli, workspace):
    workspace.lab_file("second_lab").write_text(
        "def greet(name):\n    return 'hello, ' + name\n\n\ndef shout(text):\n    return text\n")
    output = cli("hint", "second_lab").output
    assert "shout" in output and "method for capitals" in output and "greet" not in output


def test_hints_never_show_the_reference_solution(cli, workspace, labs):
    solution = by_id(labs, "second_lab").solution.read_text()
    output = cli("hint", "second_lab", "--level", "99").output + cli("hint", "second_lab", "-F", "shout").output
    for line in solution.splitlines():
        if line.strip().startswith("return"):
            assert line.strip() not in output


def test_hints_include_what_the_last_run_missed(cli, workspace, labs):
    workspace.record_result(fake_result(by_id(labs, "second_lab"), 1))
    output = cli("hint", "second_lab").output
    assert "What your last run missed" in output and "try harder" in output


def test_an_unknown_function_names_the_functions_with_hints(cli, workspace):
    result = cli("hint", "second_lab", "--function", "nope")
    assert isinstance(result.exception, UsageError)
    assert "greet, shout" in str(result.exception)


def test_a_lab_without_hints_says_where_help_is(cli, workspace, labs, monkeypatch):
    lab = by_id(labs, "second_lab")
    lab.hints = {}
    assert "no hints written yet" in workspace_views.hint_renderable(lab, workspace, level=None, function=None).plain


# -- the solution gate ------------------------------------------------------------------------------------
def test_the_solution_is_refused_before_passing_and_the_error_names_the_fixes(cli, workspace):
    result = cli("solution", "second_lab")
    assert isinstance(result.exception, UsageError)
    assert "awslab check second_lab" in str(result.exception) and "--yes" in str(result.exception)


def test_the_solution_shows_with_yes_and_is_remembered(cli, workspace):
    result = cli("solution", "second_lab", "--yes")
    assert result.exit_code == 0 and "text.upper()" in result.output
    assert workspace.progress("second_lab").solution_viewed


def test_the_solution_shows_once_the_lab_is_passed(cli, workspace, labs):
    workspace.record_result(fake_result(by_id(labs, "second_lab"), 3))
    result = cli("solution", "second_lab")
    assert result.exit_code == 0 and "text.upper()" in result.output


def test_the_solution_asks_on_a_terminal_and_a_no_shows_nothing(cli, workspace, monkeypatch):
    monkeypatch.setattr(workspace_commands, "_interactive", lambda: True)
    result = cli("solution", "second_lab", input="n\n")
    assert result.exit_code == 1 and "text.upper()" not in result.output and "awslab hint" in result.output
    result = cli("solution", "second_lab", input="y\n")
    assert result.exit_code == 0 and "text.upper()" in result.output


# -- progress and reset ----------------------------------------------------------------------------------
def test_progress_lists_done_partial_and_not_started_with_scores(cli, workspace, labs):
    workspace.record_result(fake_result(by_id(labs, "tiny_lab"), 6))
    workspace.record_result(fake_result(by_id(labs, "second_lab"), 1))
    output = cli("progress").output
    assert "1/2 labs done" in output and "done" in output and "6/6" in output and "partial" in output
    assert "1/3" in output and "Next: awslab watch second_lab" in output
    rows = json.loads(cli("progress", "--json").output)
    assert [(r["lab"], r["status"], r["best_score"]) for r in rows] == [("tiny_lab", "done", 6),
                                                                          ("second_lab", "partial", 1)]


def test_progress_of_a_fresh_workspace_shows_labs_not_started(cli, workspace):
    rows = json.loads(cli("progress", "--json").output)
    assert {r["status"] for r in rows} == {"not started"}


def test_reset_says_where_the_backup_is(cli, workspace):
    workspace.lab_file("tiny_lab").write_text("mine")
    output = cli("reset", "tiny_lab").output
    assert ".awslab/backups/tiny_lab." in output


def test_init_command_tells_the_next_step(cli, labs_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output = cli("init", "work").output
    assert "created" in output and "cd work && awslab watch" in output


def test_init_never_breaks_the_path_or_the_next_command_over_lines(cli, labs_env, tmp_path, monkeypatch):
    # A CI checkout deep in a file system made "Next: cd \nwork && awslab watch" at 120 columns.
    deep = tmp_path / ("a-long-folder-name-" * 6) / "and-deeper"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    output = cli("init", "work").output
    assert f"Workspace ready in {(deep / 'work').resolve()}." in output
    assert "Next: cd work && awslab watch" in output


# -- errors name the fix ------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [("watch",), ("progress",), ("reset", "tiny_lab")])
def test_commands_outside_a_workspace_say_how_to_make_one(cli, labs_env, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert isinstance(result.exception, UsageError)
    assert "awslab init DIR" in str(result.exception)


@pytest.mark.parametrize("args", [("hint", "nope"), ("solution", "nope"), ("reset", "nope"), ("watch", "nope")])
def test_an_unknown_lab_names_the_labs(cli, workspace, args):
    result = cli(*args)
    assert isinstance(result.exception, LabError)
    assert "tiny_lab" in str(result.exception) and "second_lab" in str(result.exception)


def test_init_refusal_is_one_error_line_with_exit_2(labs, tmp_path):
    from awslab.workspace import init_workspace

    init_workspace(tmp_path / "work", labs)
    (tmp_path / "work" / "tiny_lab.py").write_text("# mine\n")
    result = run_awslab("init", "work", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "--force" in result.stderr
    assert (tmp_path / "work" / "tiny_lab.py").read_text() == "# mine\n"


def test_watch_on_a_backend_the_lab_does_not_support_names_one_it_does(cli, workspace, monkeypatch):
    result = cli("watch", "tiny_lab", "--backend", "nowhere")
    assert isinstance(result.exception, UsageError) and "moto, moto-server or localstack" in str(result.exception)


# -- help ----------------------------------------------------------------------------------------------------
def test_every_learner_command_documents_itself_and_each_of_its_parameters():
    app = typer.Typer()
    workspace_commands.register(app)
    group = typer.main.get_command(app)
    assert set(group.commands) == set(LEARNER_COMMANDS)
    for name, command in group.commands.items():
        assert command.help and len(command.help) > 40, name
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name} has no help"


@pytest.mark.parametrize("name", LEARNER_COMMANDS)
def test_every_learner_command_help_renders(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and "--help" in result.output


def test_the_real_cli_mounts_the_learner_commands(labs_env):
    result = run_awslab("--help")
    assert result.returncode == 0
    for name in LEARNER_COMMANDS:
        assert f" {name} " in result.stdout


def test_check_help_offers_html():
    from awslab import cli

    command = typer.main.get_command(cli.app).commands["check"]
    assert any("--html" in getattr(p, "opts", ()) for p in command.params)
