"""A short run of the load benchmark (tests/benchmarks/bench_web.py): real server, async
clients, nothing lost or doubled, no 5xx."""

from __future__ import annotations

import pytest

from tests.benchmarks.bench_web import run

pytestmark = pytest.mark.slow


def test_a_few_seconds_of_translators_and_editors(tmp_path):
    report = run(tmp_path, seconds=3, translators=10, editors=2, articles=40, segments=20)
    assert report.problems == []
    assert report.submits > 20 and report.approvals > 0
    assert all(status < 500 for status in report.statuses)
    assert report.requests == sum(report.statuses.values())
