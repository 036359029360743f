#!/usr/bin/env python
"""Every comparison page and API read, warm, one request at a time, against gunicorn (DEBUG off).

On an existing database (`make bench` passes its 1M clone): a viewer (a session for pages, a DRF
token for the API) and a superuser (the admin) are made, gunicorn serves the site on 127.0.0.1,
and for every URL below one warm-up request is followed by up to `--repeat` timed ones (fewer
once `--budget` seconds are spent on it, at least one): median, p95, response size, status.
Then a second pass in this process's child, the Django test client under
`CaptureQueriesContext`, counts each URL's queries (the production server has no such hook).

Targets (issue 14 item 1): every page and endpoint under 300 ms median, HTML under 1 MB. The exports
(XLSX, CSV of one province's tiers) are timed and sized too, with no latency target (they stream).
Section `pages` of docs/benchmarks.md.

    python scripts/bench_pages.py --database bench_run [--repeat 10] [--budget 20] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import benchlib
from benchlib import Target

TARGET_MS = 300
TARGET_HTML_MB = 1.0
DRAFT = {"validity_days": 7, "price_cny": "60.00", "data_gb": "30", "domestic_voice_min": 100, "intl_voice_min": 0}
DRAFT_QUERY = "&".join(f"d0-{name}={value}" for name, value in DRAFT.items()) + "&province=31"


@dataclass(frozen=True)
class Url:
    path: str
    auth: str  # "session" (the viewer's), "token" (the viewer's) or "admin" (the superuser's session)
    method: str = "GET"
    body: dict[str, Any] | None = None
    export: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" if self.method != "GET" else self.path

    @property
    def html(self) -> bool:
        return not self.path.startswith("/api/")


def urls(ids: dict[str, int]) -> list[Url]:
    return [
        Url("/compare/", "session"),
        Url("/compare/benchmarks/?bucket=1-7", "session"),
        Url("/compare/provinces/?province=11&province=31", "session"),
        Url("/compare/basket/?days=7&data_gb=20", "session"),
        Url("/compare/plans/", "session"),
        Url(f"/compare/plans/{ids['plan']}/", "session"),
        Url("/compare/trends/", "session"),
        Url("/compare/changes/", "session"),
        Url("/compare/launches/", "session"),
        Url("/compare/strategies/", "session"),
        Url("/compare/analyser/", "session"),
        Url(f"/compare/analyser/?{DRAFT_QUERY}", "session"),
        Url("/compare/sensitivity/?bucket=1-7", "session"),
        Url("/admin/plans/tier/", "admin"),
        Url(f"/admin/plans/plan/{ids['plan']}/change/", "admin"),
        Url("/api/v1/tiers/", "token"),
        Url("/api/v1/plans/", "token"),
        Url("/api/v1/benchmarks/per-gb/?bucket=1-7", "token"),
        Url("/api/v1/benchmarks/matrix/?bucket=1-7", "token"),
        Url("/api/v1/benchmarks/baskets/", "token"),
        Url("/api/v1/benchmarks/history/?bucket=1-7", "token"),
        Url("/api/v1/benchmarks/sensitivity/?bucket=1-7", "token"),
        Url("/api/v1/changes/", "token"),
        Url("/api/v1/analyser/", "token", "POST", {"drafts": [DRAFT] * 6, "province": "31"}),
        Url("/api/v1/tiers/?province=31&format=xlsx", "token", export=True),
        Url("/api/v1/tiers/?province=31&format=csv", "token", export=True),
    ]


IDS = r"""
import json
from competition.benchmarks.models import BenchmarkRow
row = BenchmarkRow.objects.filter(province_code="31").order_by("-run_id").values("plan_id").first()
print("BENCH-IDS " + json.dumps({"plan": row["plan_id"]}))
"""


@dataclass
class Figures:
    url: Url
    samples: list[float] = field(default_factory=list)
    size: int = 0
    status: int = 0
    queries: int | None = None
    note: str = ""

    @property
    def median_ms(self) -> float:
        return benchlib.median(self.samples)

    @property
    def p95_ms(self) -> float:
        return benchlib.percentile(self.samples, 0.95)


def headers_for(url: Url, accounts: dict[str, dict[str, str]]) -> dict[str, str]:
    headers = {"Host": "127.0.0.1"}
    if url.auth == "token":
        headers["Authorization"] = f"Token {accounts['viewer']['token']}"
    else:
        headers["Cookie"] = f"sessionid={accounts['admin' if url.auth == 'admin' else 'viewer']['session']}"
    if url.body is not None:
        headers["Content-Type"] = "application/json"
    return headers


def request(connection: http.client.HTTPConnection, url: Url, headers: dict[str, str]) -> tuple[int, int, float]:
    """Status, body size and milliseconds of one request (the body read to its end)."""
    payload = None if url.body is None else json.dumps(url.body).encode()
    started = time.perf_counter()
    connection.request(url.method, url.path, body=payload, headers=headers)
    response = connection.getresponse()
    size = len(response.read())
    return response.status, size, (time.perf_counter() - started) * 1000


def measure_http(port: int, url: Url, accounts: dict[str, dict[str, str]], args: argparse.Namespace) -> Figures:
    repeat, budget = args.repeat, args.budget
    figures = Figures(url)
    headers = headers_for(url, accounts)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.request_timeout)
    try:
        figures.status, figures.size, first = request(connection, url, headers)  # warm-up
        if figures.status != 200:
            return figures
        spent = first / 1000
        if spent >= budget:  # far over any target: the warm-up is the one sample, to bound the run
            figures.samples.append(first)
            return figures
        while len(figures.samples) < repeat and (not figures.samples or spent < budget):
            figures.status, figures.size, milliseconds = request(connection, url, headers)
            figures.samples.append(milliseconds)
            spent += milliseconds / 1000
    except (OSError, http.client.HTTPException) as error:  # a timeout: no answer within --request-timeout
        figures.note = f"no answer ({error.__class__.__name__})"
        print(f"  {url.label}: {error!r}", flush=True)
    finally:
        connection.close()
    return figures


def count_queries(paths: list[dict[str, Any]], usernames: dict[str, str]) -> dict[str, int]:
    """In a Django process: each URL once through the test client, its queries counted."""
    benchlib.setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    users = get_user_model().objects
    viewer, admin = users.get(username=usernames["viewer"]), users.get(username=usernames["admin"])
    session, admin_session, api = Client(), Client(), Client()
    session.force_login(viewer)
    admin_session.force_login(admin)
    token = Token.objects.get(user=viewer).key
    counts: dict[str, int] = {}
    for entry in paths:
        client = {"session": session, "admin": admin_session, "token": api}[entry["auth"]]
        headers = {"Authorization": f"Token {token}"} if entry["auth"] == "token" else {}
        try:
            with CaptureQueriesContext(connection) as captured:
                if entry["method"] == "POST":
                    body = json.dumps(entry["body"])
                    client.post(entry["path"], body, content_type="application/json", headers=headers)
                else:
                    response = client.get(entry["path"], headers=headers)
                    if getattr(response, "streaming", False):
                        b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a streamed export's rows
        except Exception as error:  # noqa: BLE001 - a failing page is reported by the HTTP pass; count the others
            print(f"  queries of {entry['label']}: {error!r}", file=sys.stderr)
            continue
        counts[entry["label"]] = len(captured)
    return counts


def render(figures: list[Figures], targets: list[Target], args: argparse.Namespace, load: str) -> str:
    lines = [
        "## Pages and endpoints, warm, one at a time (`scripts/bench_pages.py`)",
        "",
        f"{benchlib.measured()} against gunicorn ({args.workers} gthread workers, DEBUG off) on 127.0.0.1;"
        f" load average {load} before, {benchlib.load_average()} after. One warm-up, then up to {args.repeat}"
        f" requests each (at most {args.budget:.0f} s of them, at least one; a warm-up over that is the one"
        f" sample); queries counted in a separate pass (Django test client, `CaptureQueriesContext`; not for URLs"
        f" slower than {args.count_limit:.0f} s). Pages as a logged-in viewer, the admin as a superuser, the API"
        " with a viewer's token.",
        "",
        *benchlib.TARGET_HEADER,
        *(target.row() for target in targets),
        "",
        "| URL | status | median ms | p95 ms | n | size | queries | 300 ms | 1 MB | |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for item in figures:
        fast = "export" if item.url.export else ("met" if item.samples and item.median_ms <= TARGET_MS else "**no**")
        small = ("met" if item.size <= TARGET_HTML_MB * 1e6 else "**no**") if item.url.html and item.samples else ""
        queries = "" if item.queries is None else str(item.queries)
        lines.append(
            f"| `{item.url.label}` | {item.status} | {item.median_ms:,.0f} | {item.p95_ms:,.0f} | {len(item.samples)} |"
            f" {item.size / 1e3:,.1f} kB | {queries} | {fast} | {small} | {item.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=10, help="Timed requests per URL.")
    parser.add_argument("--budget", type=float, default=20, help="Seconds of timed requests per URL at most.")
    parser.add_argument("--request-timeout", type=float, default=180, help="Seconds one request may take.")
    parser.add_argument("--deadline", type=float, default=900, help="Seconds for all the URLs' timings.")
    parser.add_argument("--count-limit", type=float, default=10, help="No query count for URLs slower (s).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PAGES_PORT", "8767")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 requests per URL, 8 s each at most.")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.budget = 3, 8.0
    env = benchlib.child_env(benchlib.bench_database_name(args.database))
    load = benchlib.load_average()
    # DEBUG off serves hashed static names from the manifest, which collectstatic writes.
    benchlib.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    accounts = benchlib.accounts(env)
    ids = json.loads(benchlib.manage(env, "shell", "-c", IDS).split("BENCH-IDS ", 1)[1])
    every = urls(ids)
    measured: list[Figures] = []
    # A slow page must not be killed mid-request: gunicorn's timeout is above --request-timeout. A request
    # that does not answer in time keeps its worker thread busy, so the server is restarted after it.
    start = {"port": args.port, "workers": args.workers, "threads": 2, "timeout": int(args.request_timeout) + 10}
    server = benchlib.gunicorn_start(env, **start)
    try:
        deadline = time.monotonic() + args.deadline
        for url in every:
            if time.monotonic() > deadline:  # bounded: what is left is reported as not measured
                measured.append(Figures(url, note=f"not measured: the part's {args.deadline:.0f} s were spent"))
                continue
            measured.append(measure_http(args.port, url, accounts, args))
            item = measured[-1]
            print(
                f"  {url.label}: HTTP {item.status}, median {item.median_ms:,.0f} ms, p95 {item.p95_ms:,.0f} ms,"
                f" {item.size / 1e3:,.1f} kB {item.note}",
                flush=True,
            )
            if item.note:
                benchlib.stop(server)
                server = benchlib.gunicorn_start(env, **start)
    finally:
        benchlib.stop(server)
    # Counting runs each URL once more: a URL far over its target is not run a third time.
    countable = [item.url for item in measured if item.samples and item.median_ms <= args.count_limit * 1000]
    entries = [
        {"label": u.label, "path": u.path, "auth": u.auth, "method": u.method, "body": u.body} for u in countable
    ]
    usernames = {kind: account["username"] for kind, account in accounts.items()}
    counts = benchlib.run_json([benchlib.PYTHON, __file__, "queries", json.dumps([entries, usernames])], env)
    for item in measured:
        item.queries = counts.get(item.url.label)
    timed = [item for item in measured if not item.url.export]
    ok = [item for item in timed if item.status == 200 and item.samples]
    slowest = max(ok, key=lambda item: item.median_ms, default=None)
    largest = max((item for item in ok if item.url.html), key=lambda item: item.size, default=None)
    targets = [
        Target(
            f"pages and endpoints under {TARGET_MS} ms median",
            sum(item.median_ms <= TARGET_MS for item in ok),
            len(timed),
            f"of {len(timed)}",
            at_least=True,
        ),
        Target(
            f"slowest median (`{slowest.url.label if slowest else '-'}`)",
            slowest.median_ms if slowest else None,
            TARGET_MS,
            "ms",
        ),
        Target(
            f"largest HTML (`{largest.url.label if largest else '-'}`)",
            largest.size / 1e6 if largest else None,
            TARGET_HTML_MB,
            "MB",
        ),
    ]
    failed = [item.url.label for item in measured if item.status != 200 and not item.note]
    if failed:
        print(f"  not HTTP 200: {', '.join(failed)}", flush=True)
    benchlib.results_save("pages", targets, failed=failed)
    benchlib.write_section("pages", render(measured, targets, args, load))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["queries"]:
        entries, usernames = json.loads(sys.argv[2])
        print(json.dumps(count_queries(entries, usernames)))
    else:
        main()
