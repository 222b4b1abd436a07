"""Speed figures: per-question latency, knowledge-base load time, memory and CLI cold start.

Run from a checkout: `python benchmarks/speed.py`. Targets (issue #2): p99 under 1 ms per
question in-process, and `python -m bot ask` starting within 0.5 s of a bare `python -c pass`
(with the engine cached by an earlier run; the first start after an install or a data edit,
which builds it, is timed too).
Figures are medians over repeated runs, so a busy machine skews them less.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knowledge.cache import CACHE_DIR_ENV
from knowledge.engine import AnswerEngine
from knowledge.evaluation import load_cases
from knowledge.loading import load_knowledge_base

CASES = Path(__file__).resolve().parent.parent / "tests" / "eval" / "questions.toml"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency(engine: AnswerEngine, questions: list[str], rounds: int) -> list[float]:
    """Seconds per question; the first round warms caches, as a running bot's would be."""
    for question in questions:
        engine.ask(question)
    timings = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            engine.ask(question)
            timings.append(time.perf_counter() - start)
    return timings


def cold_start(command: list[str], runs: int, cache: Path, *, keep_cache: bool = True) -> float:
    """Median wall time of a fresh interpreter running `command`.

    The engine cache lives in `cache`; without `keep_cache` it is emptied before every run,
    which times a first start after installing or editing the data.
    """
    environment = {**os.environ, CACHE_DIR_ENV: str(cache)}
    timings = []
    for _ in range(runs):
        if not keep_cache:
            shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the question set")
    parser.add_argument("--starts", type=int, default=10, help="process starts to time")
    args = parser.parse_args()

    loads = []
    for _ in range(5):
        start = time.perf_counter()
        knowledge = load_knowledge_base()
        engine = AnswerEngine(knowledge)
        loads.append(time.perf_counter() - start)
    questions = [case.question for case in load_cases(CASES)]
    per_question = latency(engine, questions, args.rounds)
    command = [sys.executable, "-m", "bot", "ask", "deepfake show?"]
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "cache"
        bare = cold_start([sys.executable, "-c", "pass"], args.starts, cache)
        first = cold_start(command, args.starts, cache, keep_cache=False)
        ask = cold_start(command, args.starts, cache)

    print(f"questions timed:            {len(per_question)} ({len(questions)} x {args.rounds})")
    print(f"latency median:             {statistics.median(per_question) * 1e3:.3f} ms")
    print(f"latency p99:                {percentile(per_question, 0.99) * 1e3:.3f} ms")
    print(f"latency max:                {max(per_question) * 1e3:.3f} ms")
    print(f"knowledge load + index:     {loads[0] * 1e3:.1f} ms (first, as in a new process)")
    print(f"knowledge reload + index:   {statistics.median(loads[1:]) * 1e3:.1f} ms (median of 4)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak_mb:.0f} MB")
    print(f"cold start python -c pass:  {bare * 1e3:.0f} ms")
    print(f"cold start python -m bot ask: {ask * 1e3:.0f} ms (engine cached by an earlier run)")
    print(f"cold start overhead:        {(ask - bare) * 1e3:.0f} ms (target < 500 ms)")
    print(f"first start, empty cache:   {first * 1e3:.0f} ms ({(first - bare) * 1e3:.0f} ms over)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
