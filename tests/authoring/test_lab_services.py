"""lab.toml's `services`: the AWS services a lab uses. A backend that does not serve one makes every
check not applicable, saying which service (never a pass); the contract wants the table complete
(every service the grading calls is listed) and made of boto3's service names; LocalStack is started
with the services of the labs that run on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from awslab.backends.base import moto_serves
from awslab.grading import grade_submission
from awslab.grading.contract import content_problems
from awslab.grading.labs import load_lab
from awslab.grading.scaffold import new_lab
from awslab.local_aws import LocalAWS


@pytest.fixture
def lab_folder(tmp_path) -> Path:
    new_lab("my_queue", tmp_path / "labs")
    return tmp_path / "labs" / "my_queue"


def set_services(folder: Path, services: str) -> None:
    toml = folder / "lab.toml"
    lines = [line for line in toml.read_text().splitlines() if not line.startswith("services =")]
    toml.write_text("\n".join(lines[:1] + [f"services = {services}"] + lines[1:]) + "\n")


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto").start()
    yield local
    local.stop()


def test_moto_serves_the_services_it_has_a_module_for():
    assert moto_serves("sqs") and moto_serves("kms") and moto_serves("lambda")
    assert not moto_serves("braket")


def test_a_lab_using_a_service_the_backend_does_not_serve_is_not_applicable_saying_which(aws, lab_folder):
    set_services(lab_folder, '["sqs", "braket"]')
    lab = load_lab(lab_folder)
    result = grade_submission(lab, lab.solution, aws)
    assert {c.status for c in result.checks} == {"not_applicable"}
    assert result.score == result.max_score == 0
    assert all("the moto backend does not serve braket" in c.message for c in result.checks)


def test_the_contract_wants_the_services_listed(lab_folder):
    set_services(lab_folder, "[]")
    assert any("lists no services" in p for p in content_problems(load_lab(lab_folder)))


def test_the_contract_refuses_a_service_name_boto3_does_not_know(lab_folder):
    set_services(lab_folder, '["sqs", "squeues"]')
    assert any("no AWS service of boto3: squeues" in p for p in content_problems(load_lab(lab_folder)))


def test_lab_test_names_a_service_the_grading_called_that_lab_toml_does_not_list(lab_folder):
    set_services(lab_folder, '["s3"]')
    run = subprocess.run([sys.executable, "-m", "awslab", "lab", "test", str(lab_folder)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 1
    assert "the grading called sqs, which lab.toml's services do not list" in run.stdout


def test_localstack_starts_with_the_services_of_the_labs_that_run_on_it(tmp_path, monkeypatch):
    from awslab.backends.localstack_host import SERVICES, served_services

    new_lab("stream_lab", tmp_path / "labs")
    set_services(tmp_path / "labs" / "stream_lab", '["sqs", "kinesis"]')
    new_lab("moto_only", tmp_path / "labs")
    toml = tmp_path / "labs" / "moto_only" / "lab.toml"
    toml.write_text(toml.read_text().replace('backends = ["moto", "moto-server", "localstack"]',
                                             'backends = ["moto"]').replace('services = ["sqs"]',
                                                                            'services = ["firehose"]'))
    monkeypatch.setenv("AWSLAB_LABS_PATH", str(tmp_path / "labs"))
    served = served_services()
    assert served[:len(SERVICES.split(","))] == SERVICES.split(",")
    assert "kinesis" in served and "firehose" not in served
