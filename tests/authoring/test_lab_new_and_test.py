"""`awslab lab new` writes a lab that keeps the contract as written; `awslab lab test` runs the
contract on a lab folder outside the repository and names what breaks it, one line each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def awslab(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "awslab", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def pack(tmp_path):
    made = awslab("lab", "new", "my_queue", "--dir", "pack/labs", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    return tmp_path / "pack"


def test_lab_new_writes_a_lab_that_keeps_the_contract_as_generated(pack, tmp_path):
    assert (pack / "solutions" / "my_queue.py").is_file()
    assert (pack / "labs" / "my_queue" / "wrong" / "answers.toml").is_file()
    run = awslab("lab", "test", "pack/labs/my_queue", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "solution (3/3)" in run.stdout
    assert "starter (0/3)" in run.stdout
    assert "wrong/default_visibility_timeout (1/3)" in run.stdout
    assert "lab my_queue keeps the contract" in run.stdout


def test_lab_test_names_a_wrong_answer_that_loses_more_than_its_table_says(pack, tmp_path):
    wrong = pack / "labs" / "my_queue" / "wrong" / "default_visibility_timeout.py"
    wrong.write_text("def create_queue(sqs, name):\n    return None\n")
    run = awslab("lab", "test", "pack/labs/my_queue", cwd=tmp_path)
    assert run.returncode == 1
    assert ("wrong/default_visibility_timeout should pass returns_the_queue_url, and lost it" in run.stdout)
    assert "Traceback" not in run.stdout + run.stderr


def test_lab_test_names_a_function_the_solution_does_not_define(pack, tmp_path):
    (pack / "solutions" / "my_queue.py").write_text("def make_queue(sqs, name):\n    return None\n")
    run = awslab("lab", "test", "pack/labs/my_queue", cwd=tmp_path)
    assert run.returncode == 1
    assert "the reference solution (my_queue.py) does not define create_queue()" in run.stdout


def test_lab_test_reads_the_solution_from_the_folder_given(pack, tmp_path):
    private = tmp_path / "private"
    (pack / "solutions").rename(private)
    assert awslab("lab", "test", "pack/labs/my_queue", cwd=tmp_path).returncode == 1
    run = awslab("lab", "test", "pack/labs/my_queue", "--solutions", "private", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_lab_test_on_a_folder_without_lab_toml_is_a_one_line_error(tmp_path):
    run = awslab("lab", "test", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "has no lab.toml" in run.stderr


def test_lab_test_on_a_lab_toml_that_does_not_parse_is_a_one_line_error(pack, tmp_path):
    (pack / "labs" / "my_queue" / "lab.toml").write_text("title = \n")
    run = awslab("lab", "test", "pack/labs/my_queue", cwd=tmp_path)
    assert run.returncode == 2
    assert "cannot read lab.toml" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["My-lab", "1lab", "a b", "../x"])
def test_lab_new_refuses_a_name_that_is_no_lab_id(tmp_path, name):
    run = awslab("lab", "new", name, cwd=tmp_path)
    assert run.returncode == 2
    assert "use lowercase letters" in run.stderr


def test_lab_new_refuses_a_lab_that_exists(pack, tmp_path):
    run = awslab("lab", "new", "my_queue", "--dir", "pack/labs", cwd=tmp_path)
    assert run.returncode == 2 and "already exists" in run.stderr


def test_lab_new_gives_each_lab_of_a_folder_its_own_order(pack, tmp_path):
    assert awslab("lab", "new", "second", "--dir", "pack/labs", cwd=tmp_path).returncode == 0
    assert "order = 2" in (pack / "labs" / "second" / "lab.toml").read_text()
