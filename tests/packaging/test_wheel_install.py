"""A wheel built from the repository (`python -m build`, which builds the sdist and the wheel from
it) holds every lab and reference solution, and a non-editable install of it in a fresh venv runs
`awslab list`, `demo`, `init`, `gradescope build` and the pytest plugin's `awslab_grade`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAB_IDS = sorted(p.name for p in (ROOT / "labs").iterdir() if (p / "lab.toml").is_file())

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Path:
    """A fresh venv holding only the built awslab; its dependencies come from the test runner's
    site-packages (a .pth line, which does not run the runner's editable-install hook)."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         capture_output=True, text=True, check=True).stdout.strip()
    (Path(own) / "runner-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    wheel = next(dist.glob("*.whl"))
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return venv


def run(venv: Path, *args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWSLAB_LABS_DIR", "AWSLAB_SOLUTIONS_DIR"))}
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(venv / "bin" / args[0]), *args[1:]], capture_output=True, text=True, cwd=cwd,
                          env={**env, "COLUMNS": "120"}, timeout=timeout, stdin=subprocess.DEVNULL)


def test_wheel_and_sdist_hold_every_lab_and_solution(dist):
    wheel = set(zipfile.ZipFile(next(dist.glob("*.whl"))).namelist())
    sdist = {name.split("/", 1)[1] for name in tarfile.open(next(dist.glob("*.tar.gz"))).getnames() if "/" in name}
    for lab_id in LAB_IDS:
        for name in ("lab.toml", "README.md", "starter.py", "checks.py"):
            assert f"awslab/bundled/labs/{lab_id}/{name}" in wheel
            assert f"labs/{lab_id}/{name}" in sdist
        assert f"awslab/bundled/solutions/{lab_id}.py" in wheel
        assert f"solutions/{lab_id}.py" in sdist
    assert not any("__pycache__" in name for name in wheel)


def test_installed_awslab_is_the_wheel_not_the_checkout(installed, tmp_path):
    done = run(installed, "python", "-c", "import awslab; print(awslab.__file__)", cwd=tmp_path)
    assert Path(done.stdout.strip()).is_relative_to(installed), done.stdout + done.stderr


def test_installed_list_shows_every_lab(installed, tmp_path):
    done = run(installed, "awslab", "list", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(lab["id"] for lab in json.loads(done.stdout)) == LAB_IDS


def test_installed_demo_grades_every_solution_to_full_marks(installed, tmp_path):
    done = run(installed, "awslab", "demo", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_installed_init_writes_every_starter(installed, tmp_path):
    done = run(installed, "awslab", "init", "work", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.stem for p in (tmp_path / "work").glob("*.py")) == LAB_IDS


def test_installed_gradescope_build_ships_awslab_and_the_lab_but_no_solution(installed, tmp_path):
    done = run(installed, "awslab", "gradescope", "build", "sqs_dlq", "-o", "ag.zip", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = set(zipfile.ZipFile(tmp_path / "ag.zip").namelist())
    assert {"awslab-src/pyproject.toml", "awslab-src/README.md", "awslab-src/LICENSE",
            "awslab-src/awslab/cli.py", "labs/sqs_dlq/checks.py"} <= names
    assert not any("bundled" in n or "solution" in n or "/wrong/" in n for n in names), names


def test_installed_pytest_plugin_grades_a_packaged_solution(installed, tmp_path):
    (tmp_path / "test_mine.py").write_text(
        "from awslab.grading.labs import solutions_dir\n"
        "def test_reference(awslab_grade):\n"
        "    result = awslab_grade('sqs_dlq', str(solutions_dir() / 'sqs_dlq.py'))\n"
        "    assert result.full_marks, result\n")
    done = run(installed, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_a_source_checkout_reads_the_top_level_labs_and_solutions(monkeypatch):
    from awslab.grading.labs import BUNDLED, labs_dir, solutions_dir

    monkeypatch.delenv("AWSLAB_LABS_DIR", raising=False)
    monkeypatch.delenv("AWSLAB_SOLUTIONS_DIR", raising=False)
    assert not BUNDLED.exists()
    assert labs_dir() == ROOT / "labs" and solutions_dir() == ROOT / "solutions"
