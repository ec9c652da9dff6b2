"""Memory figures of the running process, read from /proc/self/status (Linux).

Shared by bench/explore.py and its hpo3 peer, so both sides report peak memory the same way.
"""

from __future__ import annotations

from pathlib import Path


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    """Resident memory of this process now (VmRSS)."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """This process's own peak (VmHWM; ru_maxrss would include the parent's, inherited at spawn)."""
    return _status_mb("VmHWM")
