"""How long forum.markup.render takes on pathological Markdown, against a budget of 0.5 s.

    make bench-markdown
    .venv/bin/python -m bench.markdown --size 10000 --only "[" "("   # a quicker look

Renders every case of bench/markdown_corpus.py at the post size limit and prints, per case,
the CPU time of Markdown and of bleach (the machine is shared: CPU time is steadier than wall
time), the worst case, and the corpus size. Exits 1 when a case passes the budget or fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

from bench.markdown_corpus import corpus
from forum import markup
from forum.markup_limits import too_complex
from forum.threads.models import BODY_MAX

BUDGET = 0.5


@dataclass
class Timing:
    case: str
    markdown: float
    bleach: float
    total: float
    plain: bool
    error: str = ""


def measure(case: str, source: str, repeat: int) -> Timing:
    """Render `source` `repeat` times; keep the fastest run (the least disturbed)."""
    best: Timing | None = None
    for _ in range(repeat):
        start = time.process_time()
        try:
            if too_complex(source):
                markup.render(source)
                parts = (time.process_time() - start, 0.0)
            else:
                # The two halves of markup.render, timed apart.
                html = markup.convert(source)
                middle = time.process_time()
                markup.clean(html)
                parts = (middle - start, time.process_time() - middle)
        except Exception as error:  # noqa: BLE001 (a crash is a finding to print)
            return Timing(case, 0.0, 0.0, time.process_time() - start, False, repr(error)[:60])
        timing = Timing(case, parts[0], parts[1], time.process_time() - start, too_complex(source))
        if best is None or timing.total < best.total:
            best = timing
    assert best is not None
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=BODY_MAX, help="characters per case")
    parser.add_argument("--repeat", type=int, default=2, help="runs per case (fastest kept)")
    parser.add_argument("--only", nargs="*", help="case names to run")
    args = parser.parse_args(argv)
    cases = corpus(args.size, fits=lambda text: not too_complex(text))
    if args.only:
        cases = {name: text for name, text in cases.items() if name in args.only}
    markup.render("warm *up*")
    print(f"{'case':32} {'markdown':>9} {'bleach':>9} {'total':>9}  (CPU s, size {args.size:,})")
    timings = []
    for name, source in cases.items():
        t = measure(name, source, args.repeat)
        timings.append(t)
        note = t.error or ("plain text: too much markup" if t.plain else "")
        flag = "  OVER" if t.total > BUDGET or t.error else ""
        print(f"{name!r:32} {t.markdown:9.3f} {t.bleach:9.3f} {t.total:9.3f}{flag}  {note}")
        sys.stdout.flush()
    worst = max(timings, key=lambda t: t.total)
    over = [t for t in timings if t.total > BUDGET or t.error]
    print(f"\ncorpus: {len(timings)} cases of {args.size:,} characters")
    print(f"worst: {worst.case!r} {worst.total:.3f} s CPU (budget {BUDGET} s)")
    print(f"over budget or failed: {len(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
