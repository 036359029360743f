"""The machine's description and the one way a script rewrites its own section of docs/benchmarks.md."""

from __future__ import annotations

import datetime
import os
import platform
from collections.abc import Mapping
from pathlib import Path

from benchlib.paths import ADMIN_URL, REPORT


def now_utc() -> str:
    return f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"


def measured() -> str:
    """'Measured <now>' and, under `make bench`, the size of the market (BENCH_TIERS)."""
    tiers = os.environ.get("BENCH_TIERS")
    return f"Measured {now_utc()}" + (f" at {tiers} synthetic tiers" if tiers else "")


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def machine() -> dict[str, str]:
    """CPU, memory, OS, versions and the load average, for the report's header."""
    import psycopg

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    with psycopg.connect(ADMIN_URL) as connection:
        version = connection.execute("SHOW server_version").fetchone()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": version[0] if version else "unknown",
        "load": load_average(),
    }


def machine_line(info: Mapping[str, str] | None = None) -> str:
    info = info or machine()
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}; "
        f"PostgreSQL {info['postgresql']}; load average (1/5/15 min) {info['load']}"
    )


def section_markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def write_section(name: str, body: str, path: Path = REPORT) -> None:
    """Replace section `name` of the report (between its markers), or append it; the rest stays as it is."""
    start, end = section_markers(name)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
