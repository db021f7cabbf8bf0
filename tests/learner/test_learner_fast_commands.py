"""`awslab list` and `awslab --help` answer without loading what grading needs: no lab's checks, no
emulator, no SDK, no IAM engine (their speed is measured by benchmarks/learner_loop.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from awslab.grading import all_labs
from awslab.grading.labs import declared_points

HEAVY = ("botocore", "boto3", "moto", "time_machine", "flask", "werkzeug", "pytest", "awslab.models.iam", "awslab.gateway",
         "awslab.backends", "awslab.models.s3_lifecycle", "awslab.models.dynamodb_capacity", "awslab.models.sns_delivery")


def imported_by(*args: str) -> set[str]:
    """The modules `python -m awslab ARGS` imports (python -X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "awslab", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "120"}, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("args", [["list"], ["--help"], ["list", "--json"]], ids=" ".join)
def test_list_and_help_load_no_checks_emulator_sdk_or_engine(args):
    heavy = sorted(m for m in imported_by(*args)
                   if any(m == h or m.startswith(h + ".") for h in HEAVY) or m.startswith("awslab_lab_"))
    assert heavy == []


def test_list_does_not_load_pygments_nor_markdown():
    modules = imported_by("list")
    assert not [m for m in modules if m.split(".")[0] in ("pygments", "markdown_it")]


@pytest.mark.parametrize("lab", all_labs(), ids=lambda lab: lab.id)
def test_points_read_from_the_checks_source_equal_the_loaded_checks(lab):
    assert declared_points(lab.folder / "checks.py") == sum(c.points for c in lab.checks)


@pytest.mark.parametrize("source, expected", [
    ('@check("a", points=2)\ndef a(ctx): ...\n\n@check("b")\ndef b(ctx): ...\n', 3),
    ('@check(\n    "a (b)", points=4,\n    hint="x(")\ndef a(ctx): ...\n', 4),
    ('@check("a", points=2)\nasync def a(ctx): ...\n', 2),
    ('POINTS = 2\n\n@check("a", points=POINTS)\ndef a(ctx): ...\n', None),      # computed: import to know
    ('@check("a", **OPTIONS)\ndef a(ctx): ...\n', None),
    ('def a(ctx): ...\n\nb = check("b", points=3)(a)\n', None),                 # not a decorator
    ('@check("a", points=2)\n@other\ndef a(ctx): ...\n', None),                 # stacked decorators
    ('@lab.check("a", points=2)\ndef a(ctx): ...\n', None),
    ('def a(ctx): ...\n', None),                                                # no checks at all
    ('@check("a", points=2\ndef a(ctx): ...\n', None),                          # does not parse
])
def test_declared_points_counts_only_what_the_text_settles(tmp_path, source, expected):
    (tmp_path / "checks.py").write_text(textwrap.dedent(source))
    assert declared_points(tmp_path / "checks.py") == expected


def test_max_score_imports_the_checks_when_the_text_does_not_settle_it(tmp_path):
    from awslab.grading.labs import load_lab

    folder = tmp_path / "computed_lab"
    folder.mkdir()
    (folder / "lab.toml").write_text('title = "Computed"\n')
    (folder / "checks.py").write_text("from awslab.lab import check\n\nPOINTS = 5\n\n\n"
                                      '@check("five points", points=POINTS)\ndef five(ctx):\n    pass\n')
    lab = load_lab(folder)
    assert lab.max_score == 5 and "checks" in lab.__dict__
