"""awslab.lab is the one import for lab authors: the labs use it and nothing else of awslab."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import awslab.lab
from awslab.grading import all_labs, grade_submission
from awslab.grading.labs import load_lab

ROOT = Path(__file__).resolve().parents[2]
CHECKS = sorted((ROOT / "labs").glob("*/checks.py"))


def awslab_imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return [m for m in modules if m == "awslab" or m.startswith("awslab.")]


def test_there_are_five_labs_or_more():
    assert len(CHECKS) >= 5 and len(CHECKS) == len(all_labs())


@pytest.mark.parametrize("path", CHECKS, ids=[p.parent.name for p in CHECKS])
def test_lab_checks_import_only_awslab_lab(path):
    assert set(awslab_imports(path)) == {"awslab.lab"}


@pytest.mark.parametrize("path", CHECKS, ids=[p.parent.name for p in CHECKS])
def test_lab_checks_reach_the_engine_only_through_the_context_accessors(path):
    assert "ctx.aws" not in path.read_text()


def test_the_import_rule_catches_an_engine_import(tmp_path):
    path = tmp_path / "checks.py"
    path.write_text("from awslab.lab import check\nfrom awslab.grading.learner_process import LearnerRaised\nimport awslab.models.iam\n")
    assert awslab_imports(path) == ["awslab.lab", "awslab.grading.learner_process", "awslab.models.iam"]


def test_every_name_awslab_lab_offers_is_there():
    for name in awslab.lab.__all__:
        assert getattr(awslab.lab, name) is not None, name
    assert awslab.lab.iam.evaluate and awslab.lab.s3_lifecycle.simulate and awslab.lab.render_message_lives


def test_a_name_awslab_lab_does_not_offer_says_what_it_does():
    with pytest.raises(AttributeError, match="a lab's checks use only"):
        awslab.lab.LocalAWS  # noqa: B018


REFUSED_LAB = {
    "lab.toml": 'title = "Refused"\norder = 901\nfunctions = ["ciphertext"]\n[hints]\nciphertext = ["bytes"]\n',
    "README.md": "# Refused\n",
    "starter.py": "def ciphertext():\n    return None\n",
    "checks.py": (
        "from awslab.lab import check\n\n"
        "@check('The ciphertext decrypts', hint='Return the CiphertextBlob.')\n"
        "def decrypts(ctx):\n"
        "    ctx.client('kms').decrypt(CiphertextBlob=ctx.learner.ciphertext())\n"),
}


def test_a_value_botocore_refuses_is_a_failed_check_naming_the_call_and_the_value(tmp_path, embedded_aws):
    folder = tmp_path / "refused"
    folder.mkdir()
    for name, text in REFUSED_LAB.items():
        (folder / name).write_text(text)
    lab = load_lab(folder)
    (result,) = grade_submission(lab, lab.starter, embedded_aws).checks
    assert result.status == "failed"
    assert "please report" not in result.message
    assert result.message.startswith("kms.decrypt() refused a value from your code: Invalid type for parameter "
                                     "CiphertextBlob, value: None"), result.message
    assert result.message.endswith("(your ciphertext() returned None)")


def test_every_picture_of_the_lab_api_stays_a_function_once_the_pictures_are_drawn():
    """A picture module named like a picture function would replace it on the package once imported
    (pictures/capacity_chart.py made awslab.lab.capacity_chart a module: 'module' object is not callable)."""
    import importlib
    import pkgutil

    import awslab.lab
    import awslab.pictures

    for module in pkgutil.iter_modules(awslab.pictures.__path__):
        importlib.import_module(f"awslab.pictures.{module.name}")
    for name in ("render_message_lives", "render_fanout", "render_decision", "render_denials",
                 "lifecycle_timeline", "capacity_chart", "render_flow", "render_batches"):
        assert callable(getattr(awslab.lab, name)), name
