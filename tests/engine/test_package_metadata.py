"""The package's metadata: what a package index page shows must be complete and must work there."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_licence_is_an_spdx_string_with_its_file():
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()


def test_classifiers_name_the_pytest_plugin_and_pythons():
    assert "Framework :: Pytest" in PROJECT["classifiers"]
    assert "Programming Language :: Python :: 3.11" in PROJECT["classifiers"]
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # SPDX string instead


def test_project_urls_are_absolute():
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(PROJECT["urls"])
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())


def test_readme_links_work_on_a_package_index_page():
    links = re.findall(r"\]\(([^)]+)\)", (ROOT / "README.md").read_text())
    assert links
    relative = [link for link in links if not re.match(r"https?://|mailto:|#", link)]
    assert relative == []


def test_urllib3_is_declared_because_awslab_imports_it():
    names = {re.split(r"[\[<>=!~; ]", dep, maxsplit=1)[0].lower() for dep in PROJECT["dependencies"]}
    assert "urllib3" in names


def test_moto_brings_only_the_services_awslab_serves():
    moto = next(dep for dep in PROJECT["dependencies"] if dep.startswith("moto"))
    extras = set(moto[moto.index("[") + 1:moto.index("]")].split(","))
    # not "server": every service's deps; awslambda is docker (moto imports it for Lambda, never runs it)
    assert extras == {"s3", "sqs", "sns", "dynamodb", "iam", "sts", "ec2", "awslambda"}
    names = {re.split(r"[\[<>=!~; ]", dep, maxsplit=1)[0].lower() for dep in PROJECT["dependencies"]}
    assert {"flask", "flask-cors"} <= names  # what moto's server app imports

