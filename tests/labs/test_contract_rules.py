"""The contract's rules say what breaks them (fast: synthetic results, no grading)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from awslab.grading import LabError
from awslab.grading.contract import Answer, answers, content_problems, score_problems
from awslab.grading.labs import load_lab
from awslab.grading.results import CheckResult, LabResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def result(**statuses: str) -> LabResult:
    checks = [CheckResult(name=name, title=name, status=status, points=1 if status == "passed" else 0,
                          max_points=0 if status == "not_applicable" else 1, message="" if status == "passed" else f"{name} went wrong", hint="a hint")
              for name, status in statuses.items()]
    return LabResult(lab="tiny_lab", title="t", backend="moto", checks=checks)


def tiny(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "labs" / "tiny_lab", tmp_path / "labs" / "tiny_lab")
    shutil.copytree(FIXTURES / "solutions", tmp_path / "solutions")
    monkeypatch.setenv("AWSLAB_SOLUTIONS_DIR", str(tmp_path / "solutions"))
    return load_lab(tmp_path / "labs" / "tiny_lab")


def test_wrong_answer_passing_a_check_it_should_lose_is_named():
    answer = Answer("slow", Path("slow.py"), loses={"a", "b"})
    assert score_problems(None, answer, result(a="failed", b="passed", c="passed")) == [
        "wrong/slow should lose b, and passed it"]


def test_wrong_answer_losing_an_extra_check_is_named_with_its_message():
    answer = Answer("slow", Path("slow.py"), loses={"a"})
    assert score_problems(None, answer, result(a="failed", c="failed")) == [
        "wrong/slow should pass c, and lost it (failed): c went wrong"]


def test_missing_words_in_a_lost_check_message_are_named():
    answer = Answer("slow", Path("slow.py"), loses={"a"}, says={"a": ["short polling"]})
    (problem,) = score_problems(None, answer, result(a="failed"))
    assert "the message of a should say 'short polling'" in problem


def test_starter_must_lose_every_check_and_not_applicable_counts_as_lost_on_moto():
    starter = Answer("starter", Path("starter.py"), loses=None)
    assert score_problems(None, starter, result(a="failed", b="not_applicable")) == []
    assert score_problems(None, starter, result(a="passed")) == ["starter should lose a, and passed it"]


def test_not_applicable_is_allowed_only_when_asked():
    solution = Answer("solution", Path("s.py"), loses=set())
    assert score_problems(None, solution, result(a="passed", b="not_applicable"), allow_not_applicable=True) == []
    assert score_problems(None, solution, result(a="passed", b="not_applicable"))


def test_too_little_virtual_time_is_named():
    solution = Answer("solution", Path("s.py"), loses=set(), virtual_seconds_at_least=60)
    (problem,) = score_problems(None, solution, result(a="passed"))
    assert "covered 0 s of virtual time" in problem


def test_content_problems_name_missing_hints_functions_and_unlisted_wrong_answers(tmp_path, monkeypatch):
    lab = tiny(tmp_path, monkeypatch)
    (lab.folder / "wrong").mkdir()
    (lab.folder / "wrong" / "forgot.py").write_text("def double(n):\n    return n\n")
    (lab.folder / "wrong" / "answers.toml").write_text('[ghost]\nloses = ["no_such_check"]\n')
    problems = content_problems(load_lab(lab.folder))
    assert "function double() has no hints in lab.toml [hints]" in problems
    assert "wrong/forgot.py has no table in wrong/answers.toml (which checks does it lose?)" in problems
    assert "wrong/answers.toml [ghost] has no file wrong/ghost.py" in problems
    assert "wrong/ghost: names check no_such_check, which checks.py does not define" in problems


def test_content_problems_name_a_function_the_starter_lacks_and_a_shared_order(tmp_path, monkeypatch):
    lab = tiny(tmp_path, monkeypatch)
    lab.starter.write_text("def make_bucket(s3, name):\n    pass\n")
    other = load_lab(lab.folder)
    other.id = "other_lab"
    problems = content_problems(lab, [other])
    assert "the starter (starter.py) does not define double()" in problems
    assert any(p.startswith("order 1 is also lab other_lab's") for p in problems)


def test_a_manifest_without_loses_is_refused(tmp_path, monkeypatch):
    lab = tiny(tmp_path, monkeypatch)
    (lab.folder / "wrong").mkdir()
    (lab.folder / "wrong" / "answers.toml").write_text("[vague]\nsays.doubles = 'x'\n")
    (problem,) = [p for p in content_problems(lab) if "`loses`" in p]
    assert "[vague]" in problem
    with pytest.raises(LabError, match="`loses` must list"):
        answers(lab)
