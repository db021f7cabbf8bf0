"""`awslab --version` prints the installed package's version (from its metadata)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from tests.conftest import awslab_command


def test_version_flag_prints_package_metadata_version():
    done = awslab_command("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"awslab {version('awslab')}"


def test_python_m_awslab_version_prints_the_same():
    done = subprocess.run([sys.executable, "-m", "awslab", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"awslab {version('awslab')}"


def test_help_shows_no_bool_metavar_on_flags():
    done = awslab_command("check", "--help")
    assert done.returncode == 0, done.stderr
    assert "--solution" in done.stdout and "<bool>" not in done.stdout
