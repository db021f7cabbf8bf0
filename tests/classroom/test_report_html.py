"""The class report (report.html) in a real headless browser: Debian's chromium driven by playwright
(never a downloaded browser). It renders without the network, its numbers are the gradebook's, each
student's results are one click away, and learner text stays text. Under CI a missing browser fails.

The screenshots (the whole page, and its first screen) go to the folder $AWSLAB_REPORT_FIGURES when
set (else the test's temporary folder), with the page itself."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (pip install -e '.[test]') is not installed"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which("chromium"):
        return "Debian's chromium is not installed (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the class report needs a real browser under CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM if os.path.isfile(CHROMIUM)
                                              else shutil.which("chromium"), headless=True, args=ARGS)
        yield chromium
        chromium.close()


def open_offline(browser, path: Path):
    """A page on the file, with every request that is not that file refused and recorded."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    leaving: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url == path.as_uri() or url.startswith(path.as_uri() + "#"):
            request_route.continue_()
        else:
            leaving.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    return page, leaving


@pytest.fixture(scope="module")
def report(graded_class):
    from awslab.classroom.report_html import write_report

    run, labs, out = graded_class
    path = out / "report.html"
    write_report(path, run.records, labs, isolation=run.isolation.describe())
    return run, labs, out, path


def test_the_report_renders_offline_and_its_gradebook_is_the_csvs(browser, report):
    run, labs, out, path = report
    page, leaving = open_offline(browser, path)
    assert page.title() == "awslab class report"
    rows = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text())))
    shown = page.eval_on_selector_all(
        "#gradebook tr.student-row",
        "rows => rows.map(r => [r.querySelector('a').textContent,"
        " ...[...r.querySelectorAll('td.num')].map(c => c.textContent)])")
    assert [row[0] for row in rows[1:]] == [row[0] for row in shown]  # CSV cells may carry a ' guard; names do not
    assert [row[1:] for row in rows[1:]] == [row[1:] for row in shown]
    assert rows[0][1:-1] == [lab.id for lab in labs]
    figures = Path(os.environ.get("AWSLAB_REPORT_FIGURES") or path.parent)
    figures.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(figures / "class-report-full.png"), full_page=True)
    page.screenshot(path=str(figures / "class-report.png"))
    if figures != path.parent:
        shutil.copy(path, figures / "class-report.html")
    assert (figures / "class-report-full.png").stat().st_size > 10_000
    assert leaving == []


def test_the_score_distribution_and_most_failed_checks_match_the_records(browser, report):
    from awslab.classroom.summary import BUCKETS, distribution, most_failed

    run, labs, _, path = report
    page, _ = open_offline(browser, path)
    for lab in labs:
        counts = distribution(run.records, lab)
        shown = page.eval_on_selector_all(
            f'.dist[data-lab="{lab.id}"] tr.bucket',
            "rows => rows.map(r => [r.dataset.bucket, Number(r.querySelector('td.num').textContent)])")
        assert shown == [[bucket, counts.get(bucket, 0)] for bucket in BUCKETS]
        assert page.locator(f'.dist[data-lab="{lab.id}"] tr.bucket').first.is_visible()
    failed = page.eval_on_selector_all(
        "#failed-checks tr.failed-check",
        "rows => rows.map(r => [r.dataset.lab, r.children[1].textContent, r.children[2].textContent])")
    assert failed == [[lab, title, f"{count}/{total}"] for lab, title, count, total in most_failed(run.records)]
    assert page.locator("#failed-checks .msg").first.inner_text()  # each shows what the check said


def test_each_students_results_are_one_click_away(browser, report):
    run, labs, _, path = report
    page, _ = open_offline(browser, path)
    link = page.locator("#gradebook a", has_text="partial")
    link.click()
    anchor = link.get_attribute("href")
    assert page.url.endswith(anchor)
    section = page.locator(anchor)
    assert section.is_visible() and section.locator("h3").inner_text() == "partial"
    record = run.records[("partial", "class_lab")]
    assert f"class_lab): {record['score']}/{record['max_score']}" in section.inner_text()
    assert "expected 42, got 23" in section.inner_text()


def test_the_report_names_the_isolation_level_and_the_versions(browser, report):
    from importlib.metadata import version

    run, _, _, path = report
    page, _ = open_offline(browser, path)
    assert page.locator("#isolation").inner_text() == run.isolation.describe()
    assert page.locator('.version[data-package="boto3"]').inner_text() == version("boto3")
    assert page.locator('.version[data-package="awslab"]').inner_text() == version("awslab")


HOSTILE = '<img src=x onerror="document.title=\'owned\'"><script>document.title="owned"</script>&amp;'


def test_learner_text_in_the_report_stays_text(browser, tmp_path):
    from awslab.classroom.report_html import write_report
    from awslab.classroom.shards import LabSummary

    lab = LabSummary("class_lab", "A <b>lab</b>", 2)
    checks = [{"name": "c", "title": "c", "status": "failed", "points": 0, "max_points": 2,
               "message": f"got {HOSTILE}", "hint": "", "details": []}]
    records = {(HOSTILE, "class_lab"): {"student": HOSTILE, "lab": "class_lab", "status": "graded", "score": 0,
                                        "max_score": 2, "refused": [{"file": HOSTILE + ".py", "reason": "a link"}],
                                        "result": {"checks": checks, "load_error": HOSTILE}}}
    path = write_report(tmp_path / "report.html", records, [lab], isolation=HOSTILE)
    page, leaving = open_offline(browser, path)
    assert page.title() == "awslab class report"  # no script ran, no handler fired
    assert page.locator("img, script, b").count() == 0
    assert page.locator("#gradebook a").inner_text() == HOSTILE
    assert f"got {HOSTILE}" in page.locator("section.student").inner_text()
    assert page.locator("#isolation").inner_text() == HOSTILE
    assert leaving == []  # the <img src=x> never became a request


def test_the_report_is_the_same_bytes_for_the_same_records(report, tmp_path):
    from awslab.classroom.report_html import write_report

    run, labs, _, path = report
    again = write_report(tmp_path / "again.html", run.records, labs, isolation=run.isolation.describe())
    assert again.read_bytes() == path.read_bytes()
    assert b"http://" not in path.read_bytes() and b"https://" not in path.read_bytes()
