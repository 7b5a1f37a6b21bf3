"""Article-body benchmark on 123 real news pages (``../shared/bench/aeb`` beside the checkout).

Runs the project's own code path on every page -- :func:`newscrawl.processing.process_page`,
exactly what ``newscrawl extract`` runs: page object (structured data, then the generic body
extractor), date normalisation and boilerplate cleaning -- writes the predictions JSON, scores
it with the benchmark's own scorer (``score.py``, run as a subprocess), and in the same run,
page by page and interleaved, times ``trafilatura.extract`` (default options) as the reference.

CPU time is ``time.process_time()`` per page. Two newscrawl rows: the whole path (all fields:
headline, dates, authors, JSON-LD ... and the body) and the body step alone
(``extract_body`` + ``clean_body``, the like-for-like comparison with trafilatura).

    .venv/bin/python benchmarks/aeb_bench.py [--out predictions.json] [--worst 10]
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.extract.body import extract_body  # noqa: E402 - after the sys.path set-up above
from newscrawl.extract.boilerplate import clean_body  # noqa: E402 - (as above)
from newscrawl.processing import process_page  # noqa: E402 - (as above)

DEFAULT_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "aeb"
_SCORE_RE = re.compile(r"(\w+)=([0-9.]+)")


def load_pages(bench: Path, limit: int | None) -> tuple[dict, dict[str, bytes]]:
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    pages = {k: lzma.decompress((bench / "html" / f"{k}.html.xz").read_bytes()) for k in keys}
    return {k: truth[k] for k in keys}, pages


def score(bench: Path, preds: dict, out: Path, worst: int, truth_path: Path) -> dict[str, float]:
    out.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf8")
    cmd = [sys.executable, str(bench / "score.py"), str(out), "--truth", str(truth_path)]
    if worst:
        cmd += ["--worst", str(worst)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    first, *rest = result.stdout.splitlines()
    if rest:
        print(f"worst pages ({out.name}):")
        print("\n".join("  " + line for line in rest))
    return {k: float(v) for k, v in _SCORE_RE.findall(first)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--out", type=Path, help="predictions file to write (default: a temp dir)")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst pages of newscrawl")
    ap.add_argument("--limit", type=int, help="only the first N pages (quick look)")
    args = ap.parse_args()

    import trafilatura

    truth, pages = load_pages(args.bench, args.limit)
    tmp = Path(tempfile.mkdtemp(prefix="aeb-bench-"))
    out = args.out or tmp / "predictions.json"
    truth_path = tmp / "truth.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf8")

    ours: dict[str, dict] = {}
    traf: dict[str, dict] = {}
    t_item: list[float] = []
    t_body: list[float] = []
    t_traf: list[float] = []
    body_only: dict[str, dict[str, str]] = {}
    methods: Counter[str] = Counter()
    for key, raw in pages.items():
        url = truth[key]["url"]
        html = raw.decode("utf8", errors="replace")

        start = time.process_time()
        reference = trafilatura.extract(html, url=url)
        t_traf.append(time.process_time() - start)
        traf[key] = {"articleBody": reference or ""}

        # what `newscrawl extract` (and a crawl, minus the cross-page steps) does to a page
        start = time.process_time()
        item = process_page(url, raw)
        t_item.append(time.process_time() - start)
        ours[key] = {"articleBody": item.get("articleBody") or ""}
        methods[item.get("bodyMethod") or "none"] += 1

        # the body step alone, the like-for-like comparison with trafilatura.extract
        start = time.process_time()
        body = extract_body(raw, url)
        body_text = clean_body(body.text) if body else ""
        t_body.append(time.process_time() - start)
        body_only[key] = {"articleBody": body_text}

    ours_score = score(args.bench, ours, out, args.worst, truth_path)
    body_score = score(args.bench, body_only, tmp / "body-only.json", 0, truth_path)
    traf_score = score(args.bench, traf, tmp / "trafilatura.json", 0, truth_path)

    def ms(values: list[float], fn) -> str:
        return f"{fn(values) * 1000:8.1f}" if values else "       -"

    print(f"\n{len(pages)} pages from {args.bench}; predictions: {out}")
    print(f"{'method':34s} {'F1':>6s} {'prec':>6s} {'recall':>6s} {'exact':>6s} "
          f"{'median ms':>9s} {'mean ms':>8s}")
    rows = [
        ("newscrawl extract (all fields)", ours_score, t_item),
        ("newscrawl body step only", body_score, t_body),
        ("trafilatura.extract (default)", traf_score, t_traf),
    ]
    for name, s, times in rows:
        if not times:
            continue
        print(f"{name:34s} {s['f1']:6.4f} {s['precision']:6.4f} {s['recall']:6.4f} "
              f"{s['accuracy']:6.3f} {ms(times, statistics.median):>9s} {ms(times, statistics.mean):>8s}")
    print("CPU ms/page = time.process_time() per page, same process, pages interleaved.")
    for name, times in (("extract (all fields)", t_item), ("body step", t_body)):
        ratio = statistics.median(times) / statistics.median(t_traf)
        print(f"median CPU newscrawl {name} / trafilatura: {ratio:.2f}")
    print("bodyMethod: " + ", ".join(f"{m}={n}" for m, n in methods.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
