"""JUnit XML (one testsuite per lab, one testcase per check), written with junitparser.

The file is read by Jenkins (xunit's junit-10.xsd), GitLab and GitHub's test reporters: every text
the learner controls goes through `xml_text`, so no exception message or print can make it unreadable,
and only attributes that schema knows are written."""

from __future__ import annotations

from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from ..escaping import xml_text
from ..grading.results import FAILED, NOT_APPLICABLE, LabResult
from ..hints import unasked_hint

# junit-10.xsd lists name, time, tests, failures, disabled and errors on <testsuites>; not skipped.
_TESTSUITES_ATTRIBUTES = ("name", "time", "tests", "failures", "disabled", "errors")


def render_junit(results: list[LabResult]) -> str:
    xml = JUnitXml(name="awslab")
    for result in results:
        suite = TestSuite(xml_text(f"{result.lab} ({result.backend})"))
        for check in result.checks:
            case = TestCase(xml_text(check.name), classname=f"awslab.{result.lab}", time=round(check.duration, 4))
            message = xml_text(check.message)
            if check.status == FAILED:
                failure = Failure(message, type_="CheckFailed")
                hint = unasked_hint(check.hint)
                failure.text = xml_text("\n".join([check.message, *check.details, f"hint: {hint}" if hint else ""]))
                case.result = [failure]
            elif check.status == NOT_APPLICABLE:
                case.result = [Skipped(message)]
            summary = f"{check.title}: {check.points}/{check.max_points} points"
            case.system_out = xml_text(summary + (f"\n{check.output}" if check.output else ""))
            suite.add_testcase(case)
        suite.add_property("score", str(result.score))
        suite.add_property("max_score", str(result.max_score))
        if result.output:
            # junitparser's TestSuite has no system_out: the element is added by hand.
            out = suite._elem.makeelement("system-out", {})
            out.text = xml_text(result.output)
            suite._elem.append(out)
        xml.add_testsuite(suite)
    xml.update_statistics()
    for name in list(xml._elem.attrib):
        if name not in _TESTSUITES_ATTRIBUTES:
            del xml._elem.attrib[name]
    text = xml.tostring()
    return text.decode() if isinstance(text, bytes) else text
