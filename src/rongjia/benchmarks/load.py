"""`manage.py bench --load`: gunicorn serving this database on 127.0.0.1 and locust driving it with
simulated station workers for a bounded time. Reports requests, p50/p95 and errors per request kind.
Not part of CI: it takes minutes and wants the demo on PostgreSQL."""

import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass
class LoadRow:
    name: str
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_load(*, users: int, seconds: int, workers: int) -> tuple[list[LoadRow], list[str]]:
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(  # noqa: S603 - our own programs, no shell
        [str(bin_dir / "gunicorn"), "rongjia.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", "4", "--access-logfile", "/dev/null",
         # longer than the users' think time: else the server closes idle keep-alive connections as the
         # client reuses them (connection resets, which a reverse proxy in front would hide)
         "--keep-alive", "10"],
        env={**os.environ, "RONGJIA_DEBUG": "0"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", server)
        with tempfile.TemporaryDirectory() as folder:
            prefix = Path(folder) / "load"
            subprocess.run(  # noqa: S603
                [str(bin_dir / "locust"), "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
                 "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{seconds}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel",
                 "WARNING"], check=False, capture_output=True, timeout=seconds + 120)
            return _read(Path(f"{prefix}_stats.csv")), _failures(Path(f"{prefix}_failures.csv"))
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(url: str, server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - 127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _read(path: Path) -> list[LoadRow]:
    if not path.exists():
        raise RuntimeError("locust wrote no statistics")
    with path.open() as handle:
        return [LoadRow(row["Name"], int(row["Request Count"]), int(row["Failure Count"]),
                        float(row["50%"] or 0), float(row["95%"] or 0)) for row in csv.DictReader(handle)]


def _failures(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open() as handle:
        return [f"{row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}"
                for row in csv.DictReader(handle)]


def load_table(rows: list[LoadRow], failures: list[str], *, users: int, seconds: int) -> str:
    lines = [f"load: {users} simulated station workers for {seconds} s (gunicorn on 127.0.0.1)",
             "request | count | errors | p50 ms | p95 ms", "-|-|-|-|-"]
    lines += [f"{r.name} | {r.requests} | {r.failures} | {r.p50_ms:.0f} | {r.p95_ms:.0f}" for r in rows]
    lines += [f"error: {failure}" for failure in failures]
    return "\n".join(lines)
