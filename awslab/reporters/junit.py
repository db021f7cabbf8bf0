"""JUnit XML (one testsuite per lab, one testcase per check), written with junitparser."""

from __future__ import annotations

from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from ..hints import unasked_hint
from ..grading.results import FAILED, NOT_APPLICABLE, LabResult


def render_junit(results: list[LabResult]) -> str:
    xml = JUnitXml(name="awslab")
    for result in results:
        suite = TestSuite(f"{result.lab} ({result.backend})")
        for check in result.checks:
            case = TestCase(check.name, classname=f"awslab.{result.lab}", time=round(check.duration, 4))
            if check.status == FAILED:
                failure = Failure(check.message, type_="CheckFailed")
                failure.text = "\n".join([check.message, *check.details, f"hint: {unasked_hint(check.hint)}" if unasked_hint(check.hint) else ""])
                case.result = [failure]
            elif check.status == NOT_APPLICABLE:
                case.result = [Skipped(check.message)]
            summary = f"{check.title}: {check.points}/{check.max_points} points"
            case.system_out = summary + (f"\n{check.output}" if check.output else "")
            suite.add_testcase(case)
        suite.add_property("score", str(result.score))
        suite.add_property("max_score", str(result.max_score))
        if result.output:
            suite.system_out = result.output
        xml.add_testsuite(suite)
    xml.update_statistics()
    return xml.tostring().decode() if isinstance(xml.tostring(), bytes) else xml.tostring()
