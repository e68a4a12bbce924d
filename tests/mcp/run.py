#!/usr/bin/env python3
"""Runs tests/mcp/test_client.py with the official Python `mcp` client in its own virtualenv.

    python3 tests/mcp/run.py --cli target/debug/pcaplens --demo target/mcp/demo.pcap \
        [--captures ../shared/captures] [--venv target/mcp-venv]

The virtualenv is made (python3 -m venv) and filled from tests/mcp/requirements.txt on first
use; later runs reuse it. When PyPI cannot be reached the test is skipped with a notice (exit
0); any other failure is a failure.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"


def pip(venv: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    cmd = [str(venv / "bin" / "python"), "-m", "pip", *args]
    return subprocess.run(cmd, capture_output=quiet, text=True)


def installed(venv: Path) -> bool:
    """The pinned requirements are already in the virtualenv."""
    python = venv / "bin" / "python"
    if not python.exists():
        return False
    wanted = [l.strip() for l in REQUIREMENTS.read_text().splitlines() if l.strip() and not l.startswith("#")]
    frozen = pip(venv, "freeze").stdout.lower().splitlines()
    return all(w.lower() in frozen for w in wanted)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True, help="the pcaplens binary")
    ap.add_argument("--demo", required=True, help="a synthetic capture (cargo xtask demo)")
    ap.add_argument("--captures", help="../shared/captures, when present")
    ap.add_argument("--venv", default=str(HERE.parents[1] / "target" / "mcp-venv"))
    args = ap.parse_args()

    venv = Path(args.venv)
    if not installed(venv):
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
        if made.returncode != 0:
            print(f"mcp client test: cannot make a virtualenv ({made.stderr.strip()}); "
                  "install python3-venv", file=sys.stderr)
            return 1
        got = pip(venv, "install", "--quiet", "-r", str(REQUIREMENTS))
        if got.returncode != 0:
            # Tell "PyPI is unreachable" (skip) from a broken install (fail).
            probe = pip(venv, "download", "--no-deps", "--quiet", "-d", str(venv / "probe"), "mcp==2.3.0")
            if probe.returncode != 0:
                print("mcp client test: SKIPPED: PyPI is unreachable, the official `mcp` client "
                      "cannot be installed", file=sys.stderr)
                return 0
            print(got.stdout + got.stderr, file=sys.stderr)
            return 1
    cmd = [str(venv / "bin" / "python"), str(HERE / "test_client.py"), "--cli", args.cli, "--demo", args.demo]
    if args.captures and Path(args.captures).is_dir():
        cmd += ["--captures", args.captures]
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
