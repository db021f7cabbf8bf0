"""The CLI behaves as command-line tools do: -h, shell completion, errors that stay on one line when
stderr is a file or a pipe, and files created with the user's umask (0600 only for secrets)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from awslab.files import write_atomically
from tests.conftest import FIXTURES, SUBMISSIONS, awslab_command

LABS_ENV = {"AWSLAB_LABS_DIR": str(FIXTURES / "labs"), "AWSLAB_SOLUTIONS_DIR": str(FIXTURES / "solutions")}


@pytest.fixture
def umask_002():
    old = os.umask(0o002)
    yield
    os.umask(old)


@pytest.mark.parametrize("command", [[], ["check"], ["backend"], ["gradescope"]])
def test_dash_h_is_an_alias_of_help(command):
    done = awslab_command(*command, "-h")
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout and "--help" in done.stdout


def test_shell_completion_is_offered():
    done = awslab_command("--help")
    assert "--install-completion" in done.stdout and "--show-completion" in done.stdout


def test_show_completion_prints_a_bash_script():
    script = Path(sys.executable).with_name("awslab")  # the console script, as a shell would run it
    done = subprocess.run([str(script), "--show-completion", "bash"], capture_output=True,
                          text=True, env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
                          stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "_AWSLAB_COMPLETE=complete_bash" in done.stdout and done.stdout.rstrip().endswith("awslab")


def test_error_is_one_line_when_stderr_is_not_a_terminal():
    long_name = "no_such_lab_" + "x" * 150
    done = awslab_command("check", long_name, env={**LABS_ENV, "COLUMNS": "40"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and long_name in lines[0]


def test_written_file_has_the_users_umask(tmp_path, umask_002):
    write_atomically(tmp_path / "gradebook.csv", "student,score\n")
    assert stat.S_IMODE((tmp_path / "gradebook.csv").stat().st_mode) == 0o664


def test_secret_file_is_0600_whatever_the_umask(tmp_path, umask_002):
    write_atomically(tmp_path / "token", "s3cr3t", secret=True)
    assert stat.S_IMODE((tmp_path / "token").stat().st_mode) == 0o600


def test_report_written_by_check_has_the_users_umask(tmp_path, umask_002):
    out = tmp_path / "report.xml"
    done = awslab_command("check", "tiny_lab", "--file", str(SUBMISSIONS / "good.py"), "--format", "junit",
                          "--output", str(out), env=LABS_ENV)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o664


def test_text_report_written_by_check_is_written_whole_and_leaves_no_file_open(tmp_path, umask_002):
    # The text report was written through a file opened for a Console and never closed (issue 23).
    out = tmp_path / "report.txt"
    done = awslab_command("check", "tiny_lab", "--file", str(SUBMISSIONS / "good.py"), "--output", str(out),
                          env={**LABS_ENV, "PYTHONWARNINGS": "always::ResourceWarning"})
    assert done.returncode == 0, done.stderr
    assert "ResourceWarning" not in done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
    assert "tiny_lab" in out.read_text()
    assert not list(tmp_path.glob(".*.tmp"))
