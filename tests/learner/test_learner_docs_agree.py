"""What the docs and lab texts say about the labs agrees with the labs themselves."""

from __future__ import annotations

import re
from pathlib import Path

from awslab.backends.localstack import LocalStackBackend
from awslab.grading import all_labs

ROOT = Path(__file__).resolve().parents[2]


def test_labs_are_ordered_one_to_n_without_gaps_or_repeats():
    assert sorted(lab.order for lab in all_labs()) == list(range(1, len(all_labs()) + 1))


def test_the_localstack_table_in_docs_backends_names_the_checks_and_scores_the_labs_have():
    rows = {m.group(1): m.groups() for m in re.finditer(r"^\| (\w+) \| (\d+)/\d+ \| (\d+)/\d+ \| (.*) \|$",
                                                        (ROOT / "docs" / "backends.md").read_text(), re.M)}
    offered = [lab for lab in all_labs() if "localstack" in lab.backends]
    assert set(rows) == {lab.id for lab in offered}  # a lab not offered on LocalStack has no row
    for lab in offered:
        lacking = [c for c in lab.checks if any(r not in LocalStackBackend.features for r in c.requires)]
        _, moto, localstack, names = rows[lab.id]
        assert int(moto) == sum(c.points for c in lab.checks), lab.id
        assert int(localstack) == sum(c.points for c in lab.checks) - sum(c.points for c in lacking), lab.id
        assert all(c.name in names for c in lacking) and (names == "–") == (not lacking), lab.id


def test_lab_texts_and_starters_say_what_works_in_a_workspace():
    for lab in all_labs():
        for text in (lab.readme.read_text(), (lab.readme.parent / "starter.py").read_text()):
            assert "--file starter.py" not in text and "--file your_file.py" not in text, lab.id
        starter = (lab.readme.parent / "starter.py").read_text()
        assert f"awslab check {lab.id}" in starter and "README.md" not in starter, lab.id  # a workspace's README is another


def test_the_localstack_clock_reason_names_no_service():
    reason = LocalStackBackend.lacks["virtual_time"]
    assert "SQS" not in reason and "visibility" not in reason


def test_the_readme_figure_of_checks_not_applicable_on_localstack_is_the_labs_own():
    lab = next(lab for lab in all_labs() if lab.id == "s3_versioning")
    lacking = [c for c in lab.checks if any(r not in LocalStackBackend.features for r in c.requires)]
    assert f"({len(lacking)} checks n/a)" in (ROOT / "README.md").read_text()
