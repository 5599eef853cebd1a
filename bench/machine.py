"""One line describing where the bench ran: CPU, cores, memory, Python, PostgreSQL."""

import os
import platform
from pathlib import Path

from django.db import connection


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} Go"
    except OSError:
        pass
    return "?"


def describe() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0].split()[0]
    return (
        f"{_cpu()}, {os.cpu_count()} cœurs, {_memory_gb()}, "
        f"Python {platform.python_version()}, PostgreSQL {server}"
    )
