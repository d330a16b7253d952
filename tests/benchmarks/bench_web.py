"""Load on the served desk (a script, not collected by pytest; a short run is in the tests).

    python tests/benchmarks/bench_web.py                         # 50 translators + 5 editors, 60 s
    python tests/benchmarks/bench_web.py --seconds 10 --translators 10 --editors 2

Starts `manage.py serve` on a free 127.0.0.1 port over a generated desk (``--articles`` x
``--segments`` segments, one account and token per simulated person), then for
``--seconds`` runs asynchronous httpx clients: translators loop check out 5 units ->
submit each, editors loop over the articles' review queues and approve their share
(unit id modulo the number of editors). Every loop stops by itself at the deadline.

Reports requests per second and the p50/p95 latency of submit (goal: p95 < 150 ms on a
2-core machine), beside a baseline measured in the same run: the library's own submit,
called in-process on the same database. Then checks that nothing was lost or doubled:
every submit and approve the server answered 200 to has exactly one event, the events
equal the units' transitions, each unit is in exactly one state (its last event's), and
no response was a 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx  # noqa: E402

from tests.web_helpers import served_desk  # noqa: E402
from tool.clock import stamp  # noqa: E402
from tool.db.connection import open_database, transaction  # noqa: E402
from tool.services import auth, leases, workflow  # noqa: E402
from tool.services.users import add_user  # noqa: E402

LANG = "en"
CHECKOUT_COUNT = 5
GOAL_P95_MS = 150.0


def build(path: Path, articles: int, segments: int, translators: int, editors: int) -> dict:
    """A desk of ``articles`` x ``segments`` segments, translators t00.. and editors e0..,
    each with a token (returned by name)."""
    db = open_database(path)
    now = stamp()
    conn = db.conn
    with transaction(db):
        conn.executemany(
            "INSERT INTO articles (id, lang, title, imported_at) VALUES (?, 'ro', ?, ?)",
            ((f"a{i:05}", f"Articolul {i}", now) for i in range(articles)),
        )
        conn.executemany(
            "INSERT INTO segments (id, article_id, seq, paragraph, position, kind, text, hash, "
            "words, obsolete, created_at) VALUES (?, ?, ?, ?, ?, 'text', ?, '', 9, 0, ?)",
            (
                (
                    i * segments + j + 1,
                    f"a{i:05}",
                    j,
                    1 + j // 5,
                    j % 5,
                    sentence(i, j),
                    now,
                )
                for i in range(articles)
                for j in range(segments)
            ),
        )
    add_user(db, "admin", "admin", [], by="admin")
    tokens = {}
    names = [f"t{i:02}" for i in range(translators)] + [f"e{i}" for i in range(editors)]
    for name in names:
        role = "translator" if name.startswith("t") else "editor"
        add_user(db, name, role, [LANG], by="admin")
        tokens[name] = auth.issue_token(db, name, by="admin").token
    db.close()
    return tokens


WORDS = (
    "guvernul primăria consiliul ministrul bugetul spitalul școala drumul podul orașul "
    "județul proiectul legea taxa salariul pensia prețul energia apa gazul transportul "
    "aprobat anunțat criticat amânat redus crescut votat semnat cerut promis lansat "
    "nou vechi mare mic local național european public privat anual lunar rapid "
    "joi vineri ieri astăzi mâine după înainte pentru despre din către fără cu"
).split()


def sentence(article: int, position: int) -> str:
    """A Romanian-looking sentence of its own (news text repeats little), with two numbers."""
    rng = random.Random(article * 100_003 + position)
    words = rng.choices(WORDS, k=rng.randint(7, 16))
    words.insert(rng.randint(1, len(words)), str(position))
    words.insert(rng.randint(1, len(words)), f"{article}%")
    return " ".join(words).capitalize() + "."


def english(source: str) -> str:
    """A translation the QA checks pass (the source's numbers kept), as a translator's would."""
    numbers = re.findall(r"\d+%?", source)
    return f"The council said {' and '.join(numbers)} about the budget."


def library_baseline(path: Path, count: int = 200) -> list[float]:
    """Seconds per in-process submit (the library alone), on the same database."""
    db = open_database(path)
    held = leases.checkout(db, "t00", LANG, count=count).units
    times = []
    for unit in held:
        start = time.perf_counter()
        workflow.submit(db, unit["id"], "t00", "Baseline: " + english(unit["source"]))
        times.append(time.perf_counter() - start)
    db.close()
    return times


@dataclass
class Tally:
    """What the clients saw."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    submit_ms: list[float] = field(default_factory=list)
    submitted: list[int] = field(default_factory=list)
    approved: list[int] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: int = 0

    def record(self, method: str, path: str, response: httpx.Response) -> None:
        self.requests += 1
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.server_errors.append(
                f"{method} {path}: {response.status_code} {response.text[:200]}"
            )


async def translator(
    base: str, token: str, deadline: float, tally: Tally, think: float = 0.0
) -> None:
    """Check out a few units, submit each, until the deadline."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        while time.monotonic() < deadline:
            try:
                response = await client.post(
                    "/api/checkout", json={"lang": LANG, "count": CHECKOUT_COUNT}
                )
                tally.record("POST", "/api/checkout", response)
                units = response.json().get("units", []) if response.status_code == 200 else []
                if not units:
                    await asyncio.sleep(0.05)
                    continue
                for unit in units:
                    if time.monotonic() >= deadline:
                        break
                    start = time.perf_counter()
                    path = f"/api/units/{unit['id']}/submit"
                    response = await client.post(path, json={"text": english(unit["source"])})
                    tally.submit_ms.append((time.perf_counter() - start) * 1000)
                    tally.record("POST", path, response)
                    if response.status_code == 200:
                        tally.submitted.append(unit["id"])
                    if think:  # a person reads the next sentence before submitting it
                        await asyncio.sleep(think)
            except httpx.TransportError:
                tally.transport_errors += 1


async def editor(base: str, token: str, share: int, editors: int, articles: list[str],
                 deadline: float, tally: Tally, think: float = 0.0) -> None:  # fmt: skip
    """Walk the articles' review queues, approving the units that are this editor's share."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        position = 0
        while time.monotonic() < deadline:
            article = articles[position % len(articles)]
            position += 1
            try:
                response = await client.get(
                    "/api/review", params={"lang": LANG, "article": article}
                )
                tally.record("GET", "/api/review", response)
                queue = response.json() if response.status_code == 200 else []
                mine = [u["id"] for u in queue if u["id"] % editors == share]
                if not queue:
                    position = 0 if position > 3 else position  # work is at the front
                    await asyncio.sleep(0.05)
                for unit_id in mine:
                    if time.monotonic() >= deadline:
                        break
                    path = f"/api/units/{unit_id}/approve"
                    response = await client.post(path, json={})
                    tally.record("POST", path, response)
                    if response.status_code == 200:
                        tally.approved.append(unit_id)
                    if think:
                        await asyncio.sleep(think)
            except httpx.TransportError:
                tally.transport_errors += 1


async def load(
    base: str, tokens: dict[str, str], seconds: float, articles: list[str], think: float = 0.0
) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + seconds
    editors = sorted(n for n in tokens if n.startswith("e"))
    jobs = [translator(base, tokens[n], deadline, tally, think)
            for n in tokens if n.startswith("t")]  # fmt: skip
    jobs += [editor(base, tokens[n], i, len(editors), articles, deadline, tally, think)
             for i, n in enumerate(editors)]  # fmt: skip
    start = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*jobs), timeout=seconds + 60)
    return tally, time.monotonic() - start


def check(path: Path, tally: Tally) -> list[str]:
    """Nothing lost or doubled: events equal transitions, one state per unit, no 5xx."""
    problems = []
    db = open_database(path)
    events = Counter(
        dict(db.execute("SELECT action, COUNT(*) FROM events GROUP BY action").fetchall())
    )
    baseline = db.execute(
        "SELECT COUNT(*) FROM events WHERE action = 'submit' AND user = 't00' "
        "AND new_text LIKE 'Baseline:%'"
    ).fetchone()[0]
    if len(tally.submitted) != len(set(tally.submitted)):
        problems.append("a unit was submitted twice")
    if events["submit"] - baseline != len(tally.submitted):
        problems.append(
            f"{events['submit'] - baseline} submit events for {len(tally.submitted)} submits"
        )
    if len(tally.approved) != len(set(tally.approved)):
        problems.append("a unit was approved twice")
    if events["approve"] != len(tally.approved):
        problems.append(f"{events['approve']} approve events for {len(tally.approved)} approvals")
    states = dict(db.execute("SELECT id, status FROM units").fetchall())
    for unit_id in tally.submitted:
        if states.get(unit_id) not in ("translated", "approved"):
            problems.append(f"unit {unit_id} was submitted but is {states.get(unit_id)}")
    for unit_id in tally.approved:
        if states.get(unit_id) != "approved":
            problems.append(f"unit {unit_id} was approved but is {states.get(unit_id)}")
    last = dict(
        db.execute(
            "SELECT unit_id, new_status FROM events "
            "WHERE id IN (SELECT MAX(id) FROM events GROUP BY unit_id)"
        ).fetchall()
    )
    wrong = [u for u, s in states.items() if last.get(u, "new") != s]
    if wrong:
        problems.append(
            f"{len(wrong)} units whose status is not their last event's (e.g. {wrong[:3]})"
        )
    transitions = db.execute(
        "SELECT COUNT(*) FROM events WHERE action IN ('submit', 'approve') "
        "AND old_status != new_status"
    ).fetchone()[0]
    if transitions != events["submit"] + events["approve"]:
        problems.append("an event recorded no transition")
    stale = db.execute(
        "SELECT COUNT(*) FROM leases l JOIN units u ON u.id = l.unit_id "
        "WHERE u.status IN ('translated', 'approved')"
    ).fetchone()[0]
    if stale:
        problems.append(f"{stale} leases left on submitted units")
    if tally.server_errors:
        problems.append(f"{len(tally.server_errors)} 5xx responses, e.g. {tally.server_errors[0]}")
    if tally.transport_errors:
        problems.append(f"{tally.transport_errors} dropped connections")
    db.close()
    return problems


@dataclass
class Report:
    seconds: float
    requests: int
    rate: float
    submits: int
    approvals: int
    submit_p50: float
    submit_p95: float
    library_p50: float
    library_p95: float
    statuses: dict[int, int]
    problems: list[str]
    server_cpu_ms: float  # the server's CPU time per request
    load: float  # the machine's load average at the end (others' work slows everything)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(folder: Path, *, seconds: float, translators: int, editors: int, articles: int,
        segments: int, think: float = 0.0) -> Report:  # fmt: skip
    """Build the desk, measure the library baseline, serve it, load it, check it."""
    path = folder / "desk.db"
    tokens = build(path, articles, segments, translators, editors)
    baseline = [t * 1000 for t in library_baseline(path)]
    ids = [f"a{i:05}" for i in range(articles)]
    with served_desk(path, folder / "serve.log") as base:
        cpu_before = server_cpu(base)
        tally, elapsed = asyncio.run(load(base, tokens, seconds, ids, think))
        cpu = server_cpu(base) - cpu_before
    return Report(
        seconds=elapsed,
        requests=tally.requests,
        rate=tally.requests / elapsed,
        submits=len(tally.submitted),
        approvals=len(tally.approved),
        submit_p50=percentile(tally.submit_ms, 0.5),
        submit_p95=percentile(tally.submit_ms, 0.95),
        library_p50=statistics.median(baseline),
        library_p95=percentile(baseline, 0.95),
        statuses=dict(sorted(tally.statuses.items())),
        problems=check(path, tally),
        server_cpu_ms=1000 * cpu / max(1, tally.requests),
        load=os.getloadavg()[0],
    )


def server_cpu(base: str) -> float:
    """CPU seconds the server process has used so far (Linux /proc; 0 elsewhere)."""
    port = base.rsplit(":", 1)[1]
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            if b"serve" in command and port.encode() in command:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--translators", type=int, default=50)
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each person waits between submissions (0: as fast as the server "
        "answers, which measures capacity: latency then only shows the queue)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        report = run(
            Path(tmp),
            seconds=args.seconds,
            translators=args.translators,
            editors=args.editors,
            articles=args.articles,
            segments=args.segments,
            think=args.think,
        )
    who = f"{args.translators} translators + {args.editors} editors, think {args.think:g} s"
    print(f"{who}, {report.seconds:.1f} s on 127.0.0.1")
    print("| measure | value |")
    print("| --- | ---: |")
    print(f"| requests/s (all) | {report.rate:,.0f} |")
    print(f"| submits / approvals | {report.submits:,} / {report.approvals:,} |")
    print(f"| submit p50 / p95 over HTTP | {report.submit_p50:.1f} / {report.submit_p95:.1f} ms |")
    library = f"{report.library_p50:.2f} / {report.library_p95:.2f} ms"
    print(f"| library submit in-process p50 / p95 (baseline) | {library} |")
    print(f"| ratio p50 HTTP / library | {report.submit_p50 / report.library_p50:.0f}x |")
    print(f"| server CPU per request | {report.server_cpu_ms:.2f} ms |")
    print(f"| responses by status | {report.statuses} |")
    print(f"| machine load average (1 min) | {report.load:.1f} on {os.cpu_count()} cores |")
    verdict = "ok" if not report.problems else "; ".join(report.problems)
    print(f"nothing lost or doubled, zero 5xx: {verdict}")
    goal = "met" if report.submit_p95 < GOAL_P95_MS else "missed"
    print(f"goal p95 < {GOAL_P95_MS:.0f} ms: {goal}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
