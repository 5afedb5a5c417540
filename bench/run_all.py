"""Run every benchmark in turn: `.venv/bin/python bench/run_all.py [--quick] [--backends ...]`.

Arguments are passed through to each script (each runs in its own interpreter)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("push_throughput.py", "pull.py", "alerts_scan.py", "field_client_sync.py",
           "photo_ingest.py", "kb_search.py", "service_points.py")


def main(argv: list[str]) -> int:
    failed = []
    started = time.perf_counter()
    for script in SCRIPTS:
        print(f"\n===== bench/{script} {' '.join(argv)}", flush=True)
        begun = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / script), *argv], cwd=HERE.parent)
        print(f"===== bench/{script}: exit {code} after {time.perf_counter() - begun:.0f} s",
              flush=True)
        if code:
            failed.append(script)
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
