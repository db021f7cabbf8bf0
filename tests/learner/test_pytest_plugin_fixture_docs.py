"""`pytest --fixtures` explains every public fixture of the awslab plugin, and the package says it
is a pytest plugin (the `Framework :: Pytest` classifier PyPI lists plugins by)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import metadata

PUBLIC_FIXTURES = ["local_aws", "aws_backend", "aws_backend_name", "aws_client", "aws_clock", "aws_log",
                   "aws_environment", "awslab_grade"]


def test_every_public_fixture_has_a_docstring_in_pytest_fixtures(tmp_path):
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "--fixtures", "-p", "awslab.pytest_plugin", "-q",
                           str(tmp_path)], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "COLUMNS": "200"})
    assert done.returncode == 0, done.stdout + done.stderr
    for name in PUBLIC_FIXTURES:
        entry = re.search(rf"^{name}\b.*\n(.*)", done.stdout, re.MULTILINE)
        assert entry, f"{name} not listed"
        assert "no docstring available" not in entry.group(1), name


def test_package_has_the_framework_pytest_classifier():
    assert "Framework :: Pytest" in metadata("awslab").get_all("Classifier")
