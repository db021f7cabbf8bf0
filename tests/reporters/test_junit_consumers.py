"""JUnit files as their readers take them: Jenkins xunit's junit-10.xsd (vendored beside this file),
lxml, and junitparser reading back what awslab wrote (GitLab and GitHub's reporters parse the same
elements)."""

from __future__ import annotations

from pathlib import Path

from junitparser import JUnitXml
from lxml import etree

from awslab.grading.results import FAILED, NOT_APPLICABLE, PASSED, CheckResult, LabResult
from awslab.reporters.junit import render_junit
from tests.conftest import FIXTURES, awslab_command

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("junit-10.xsd"))))
LABS_ENV = {"AWSLAB_LABS_DIR": str(FIXTURES / "labs"), "AWSLAB_SOLUTIONS_DIR": str(FIXTURES / "solutions")}
BOOM = "\x1b[31mboom\x00\x07\ufffe"


def lab_result(message: str = "make_bucket() raised RuntimeError: boom", output: str = "") -> LabResult:
    return LabResult(lab="tiny_lab", title="Tiny", backend="moto", output=output, checks=[
        CheckResult("bucket_exists", "Bucket exists", FAILED, 0, 2, message=message, hint="look at the name",
                    output=output),
        CheckResult("doubles", "Doubles", PASSED, 3, 3),
        CheckResult("clock", "Clock", NOT_APPLICABLE, 0, 0, message="LocalStack cannot follow virtual time"),
    ])


def assert_valid(xml_text: str) -> etree._Element:
    root = etree.fromstring(xml_text.encode())
    assert SCHEMA.validate(root), SCHEMA.error_log.filter_from_errors()
    return root


def test_junit_is_valid_against_jenkins_xunit_schema():
    assert_valid(render_junit([lab_result(), lab_result()]))


def test_junit_testsuites_root_has_no_skipped_attribute():
    root = etree.fromstring(render_junit([lab_result()]).encode())
    assert "skipped" not in root.attrib
    assert root.find("testsuite").get("skipped") == "1"  # the schema allows it per suite


def test_junit_is_written_when_learner_exception_holds_escape_and_control_characters():
    text = render_junit([lab_result(message=f"make_bucket() raised RuntimeError: {BOOM}", output=BOOM)])
    root = assert_valid(text)
    failure = root.find("testsuite/testcase/failure")
    assert "boom" in failure.get("message") and "\x1b" not in failure.get("message")
    assert "\x00" not in text and "\x1b" not in text


def test_junit_suite_has_learner_output_in_system_out():
    root = assert_valid(render_junit([lab_result(output="hello from import\n")]))
    assert root.find("testsuite/system-out").text == "hello from import\n"


def test_junit_round_trips_through_junitparser():
    xml = JUnitXml.fromstring(render_junit([lab_result(output="printed")]))
    (suite,) = list(xml)
    cases = {case.name: case for case in suite}
    assert set(cases) == {"bucket_exists", "doubles", "clock"}
    assert not cases["bucket_exists"].is_passed and cases["doubles"].is_passed and cases["clock"].is_skipped
    assert suite.failures == 1 and suite.skipped == 1 and suite.tests == 3
    assert {p.name: p.value for p in suite.properties()} == {"score": "3", "max_score": "5"}


def test_junit_from_cli_survives_learner_exception_with_ansi_escape(tmp_path):
    submission = tmp_path / "ansi.py"
    submission.write_text('def make_bucket(s3, name):\n    raise RuntimeError("\\x1b[31mboom")\n\n\n'
                          'def double(x):\n    print("\\x1b[32mdoubling\\x00")\n    return 2 * x\n')
    done = awslab_command("check", "tiny_lab", "--file", str(submission), "--format", "junit", env=LABS_ENV)
    assert done.returncode == 1, done.stderr
    root = assert_valid(done.stdout)
    messages = [f.get("message") for f in root.iter("failure")]
    assert any("boom" in m for m in messages)
