"""Host-mode LocalStack picks its Python by installing the release and probing it, not by version."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from awslab.backends import localstack_host as host


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AWSLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("AWSLAB_LOCALSTACK_PYTHON", raising=False)
    return tmp_path / "cache"


def _fake_install(results: dict[str, str | None], calls: list[str]):
    """Stands in for venv + pip + probe: `results` says what probing each Python finds."""
    def install_with(python, version, log):
        calls.append(python)
        if results[python] is None:
            host.venv_python().parent.mkdir(parents=True, exist_ok=True)
            host.venv_python().write_text("")
        return results[python]
    return install_with


def test_interpreter_is_the_first_the_probe_passes_not_the_newest(cache, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(host, "python_candidates", lambda: [("/x/python3.14", "3.14.0"), ("/x/python3.13", "3.13.0"),
                                                           ("/x/python3.12", "3.12.1")])
    monkeypatch.setattr(host, "_install_with", _fake_install(
        {"/x/python3.14": "SyntaxError: invalid syntax", "/x/python3.13": None, "/x/python3.12": None}, calls))
    assert host.install() == host.venv_python()
    assert calls == ["/x/python3.14", "/x/python3.13"]
    record = json.loads((host.home() / "installed.json").read_text())
    assert record["python"] == "/x/python3.13" and record["probe"] == "passed"
    # The failed probe is remembered: a later install does not build that environment again.
    (host.home() / "installed.json").unlink()
    calls.clear()
    host.install()
    assert calls == ["/x/python3.13"]


def test_no_python_runs_the_release_says_what_to_install_in_one_line(cache, monkeypatch):
    monkeypatch.setattr(host, "python_candidates", lambda: [("/x/python3.12", "3.12.1"), ("/x/python3.11", "3.11.7")])
    monkeypatch.setattr(host, "_install_with", _fake_install(
        {"/x/python3.12": "ImportError: cannot import name 'deprecated' from 'warnings'",
         "/x/python3.11": "SyntaxError: invalid syntax"}, []))
    with pytest.raises(host.HostModeUnavailable) as caught:
        host.install()
    message = str(caught.value)
    assert "\n" not in message
    assert "3.12.1 at /x/python3.12: ImportError: cannot import name 'deprecated'" in message
    assert "3.11.7 at /x/python3.11: SyntaxError" in message
    assert f"Install Python {host.SUGGESTED_PYTHON}" in message and "AWSLAB_LOCALSTACK_PYTHON" in message
    assert not (host.home() / "installed.json").exists()


@pytest.mark.parametrize("problem", [
    "pip._vendor.urllib3.exceptions.ProtocolError: (\"Connection broken: OSError(28, 'No space left on device')\")",
    "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
    "could not pip install localstack-core[runtime]==4.14.0: Command '[...]' timed out after 900 seconds",
    "Could not fetch URL https://pypi.org/simple/localstack-core/: Temporary failure in name resolution",
])
def test_an_install_failed_by_the_machine_is_not_remembered_against_the_python(cache, monkeypatch, problem):
    """A full /tmp once made every Python's pip install fail, and each was remembered as unable to run
    LocalStack: host mode stayed unavailable after the disk was cleared. Such a failure now ends the
    install at once, says so, and the next start tries that Python again."""
    calls: list[str] = []
    monkeypatch.setattr(host, "python_candidates", lambda: [("/x/python3.13", "3.13.0"), ("/x/python3.12", "3.12.1")])
    monkeypatch.setattr(host, "_install_with", _fake_install({"/x/python3.13": problem}, calls))
    with pytest.raises(host.HostModeUnavailable) as caught:
        host.install()
    assert "reason of this machine, not of that Python" in str(caught.value) and "tries again" in str(caught.value)
    assert calls == ["/x/python3.13"]  # not every other Python in turn
    assert "/x/python3.13" not in json.dumps(host._failed_probes())
    monkeypatch.setattr(host, "_install_with", _fake_install({"/x/python3.13": None}, calls))
    assert host.install() == host.venv_python()
    assert calls == ["/x/python3.13", "/x/python3.13"]


def test_install_made_before_probing_is_probed_again(cache, monkeypatch):
    host.venv_python().parent.mkdir(parents=True)
    host.venv_python().write_text("")
    (host.home() / "installed.json").write_text(json.dumps({"version": host.VERSION, "python": "/x/python3.12"}))
    assert not host.is_installed()
    calls: list[str] = []
    monkeypatch.setattr(host, "probe", lambda python: "ImportError: cannot import name 'deprecated'")
    monkeypatch.setattr(host, "python_candidates", lambda: [("/x/python3.13", "3.13.0")])
    monkeypatch.setattr(host, "_install_with", _fake_install({"/x/python3.13": None}, calls))
    host.install()
    assert calls == ["/x/python3.13"] and host.is_installed()


def test_candidates_are_real_interpreters_newest_first_once_each(monkeypatch, tmp_path):
    monkeypatch.delenv("AWSLAB_LOCALSTACK_PYTHON", raising=False)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    candidates = host.python_candidates()
    versions = [host._version_key(version) for _, version in candidates]
    assert versions == sorted(versions, reverse=True)
    real = [host._python_version(path)[1] for path, _ in candidates]  # what each interpreter says it is
    assert len(real) == len(set(real))
    assert os.path.realpath(sys.executable) in real


def test_named_python_is_the_only_candidate(monkeypatch):
    monkeypatch.setenv("AWSLAB_LOCALSTACK_PYTHON", sys.executable)
    assert host.python_candidates() == [(sys.executable, sys.version.split()[0])]


def test_probe_reports_the_import_that_fails(tmp_path):
    # This Python has no localstack package: the probe names the missing module, it does not guess.
    assert "No module named 'localstack'" in host.probe(sys.executable)


@pytest.mark.localstack
@pytest.mark.slow
def test_python_312_is_refused_with_the_reason(monkeypatch, tmp_path):
    """LocalStack 4.14.0 imports `warnings.deprecated` (Python 3.13) when a lab service loads."""
    python = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    found = sorted(python.glob("3.12*/bin/python3"))
    if not found:
        pytest.skip("no pyenv Python 3.12 on this machine")
    monkeypatch.setenv("AWSLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("AWSLAB_LOCALSTACK_PYTHON", str(found[0]))
    with pytest.raises(host.HostModeUnavailable) as caught:
        host.install()
    assert "cannot import name 'deprecated' from 'warnings'" in str(caught.value)
    assert not (host.home() / "venv").exists()
