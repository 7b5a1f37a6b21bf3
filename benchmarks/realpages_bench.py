"""Real-page benchmark: article bodies and publication dates on pages nobody here wrote.

Three labelled sets (read-only, in ``shared/bench`` beside the checkout or one of its parents):

* ``aeb``: 123 news pages with hand-checked whole bodies; token 4-gram F1 averaged per page.
* ``snippets``: 290 pages of many kinds with short passages that must be in, or stay out of,
  the body; F1 over all passages.
* ``dates``: 471 pages with their publication day; a page is right when the day is exact.

Every page is scored with the set's own ``score.py`` (imported, so the figures are the
scorer's). On each set the project and a reference run in the same process, page by page
(the order of the methods rotates from one page to the next), each call timed with
``time.process_time()``:

* ``newscrawl``: :func:`newscrawl.processing.process_page`, exactly what ``newscrawl extract``
  runs (all fields); ``articleBody`` or ``datePublished`` is scored;
* ``newscrawl body step``: only what the body needs (the like-for-like CPU comparison with
  the reference);
* bodies: ``trafilatura.extract(html, url=..., include_comments=False)``;
* dates: run by ``dates_bench.py`` (its methods, untimed warm-up and fair htmldate caches):
  the project's date step from the bytes and on a page already parsed, htmldate's
  ``find_date(html, url=..., original_date=True)`` with ``extensive_search`` True and False.

Each set is also split into halves A and B by the parity of the first byte of the SHA-256 of
the page key, so a rule tuned on one half can be checked on the other. A "bad" page is one
where more than half of the output is not article text: aeb precision below 0.5, or on
snippets more "without" than "with" passages found.

    .venv/bin/python benchmarks/realpages_bench.py [--sets aeb,snippets,dates] [--worst 10]
        [--save DIR] [--limit N] [--bench DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import lzma
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import trafilatura

import dates_bench  # the date set's methods and run (this folder is on sys.path: a script here runs)
from dates_bench import half_of  # one split into halves for both scripts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.extract.boilerplate import clean_body  # noqa: E402 - after the sys.path set-up above
from newscrawl.extract.page import ArticlePage  # noqa: E402 - (as above)
from newscrawl.processing import process_page  # noqa: E402 - (as above)

#: A body method: (url, page bytes) -> the body text, and the item's bodyMethod when it has one.
Method = Callable[[str, bytes], "tuple[str | None, str | None]"]


def find_bench() -> Path | None:
    """``shared/bench`` beside the checkout or beside one of its parent folders."""
    for folder in ROOT.parents:
        if (folder / "shared" / "bench").is_dir():
            return folder / "shared" / "bench"
    return None


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- methods ------------------------------------------------------------------------------------


def newscrawl_body(url: str, raw: bytes) -> tuple[str | None, str | None]:
    item = process_page(url, raw)
    return item.get("articleBody") or "", item.get("bodyMethod")


def newscrawl_body_step(url: str, raw: bytes) -> tuple[str | None, str | None]:
    page = ArticlePage(url, raw)
    body = page.body()
    if body is None:
        return "", None
    return clean_body(body.text, headline=page.headline()), body.method


def trafilatura_body(url: str, raw: bytes) -> tuple[str | None, str | None]:
    return trafilatura.extract(raw, url=url, include_comments=False) or "", None



# -- sets ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Per method, the value found on each page (by key) and the CPU seconds it took."""

    preds: dict[str, dict[str, str | None]] = field(default_factory=dict)
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)
    body_methods: Counter[str] = field(default_factory=Counter)


_WARM_UP = b"<html><head><title>W</title></head><body><article><p>Warm up.</p></article></body></html>"


@dataclass(frozen=True)
class Page:
    key: str  # the scorer's key: page id (aeb) or page URL
    url: str
    raw: bytes


class BenchSet:
    """A labelled set: its pages, its methods and its report."""

    name = ""
    #: the project's rows, each with the reference row its CPU is divided by
    cpu_ratios: dict[str, str] = {}
    pages: list[Page]

    def run(self) -> Outcome:
        raise NotImplementedError

    def table(self, preds: dict[str, dict[str, str | None]], keys: dict[str, list[str]],
              cpu: dict[str, dict[str, float]]) -> list[str]:
        raise NotImplementedError

    def worst(self, preds: dict[str, str | None], n: int) -> list[str]:
        raise NotImplementedError


def _cpu_cells(times: dict[str, float]) -> str:
    values = list(times.values())
    return f"{statistics.median(values) * 1000:8.1f} {statistics.fmean(values) * 1000:8.1f}"


class BodySet(BenchSet):
    """Article bodies scored as F1 with precision and recall; pages whose output is mostly not
    article text counted."""

    cpu_ratios = {"newscrawl": "trafilatura", "newscrawl body step": "trafilatura"}

    def __init__(self) -> None:
        self.methods: dict[str, Method] = {"newscrawl": newscrawl_body, "newscrawl body step": newscrawl_body_step,
                                           "trafilatura": trafilatura_body}

    def run(self) -> Outcome:
        """Every method on every page, the methods' order rotating from page to page, after an
        untimed call of each (imports and lazily built patterns are no page's cost)."""
        names = list(self.methods)
        out = Outcome({n: {} for n in names}, {n: {} for n in names})
        for call in self.methods.values():
            call("https://example.com/2024/01/02/warm-up", _WARM_UP)
        for i, page in enumerate(self.pages):
            for name in names[i % len(names):] + names[: i % len(names)]:
                start = time.process_time()
                try:
                    value, method = self.methods[name](page.url, page.raw)
                except Exception as exc:  # noqa: BLE001 - a crash scores as nothing found, and is shown
                    print(f"  {name} failed on {page.key}: {exc!r}", file=sys.stderr)
                    value, method = None, None
                out.cpu[name][page.key] = time.process_time() - start
                out.preds[name][page.key] = value
                if name == "newscrawl" and method:
                    out.body_methods[method] += 1
        return out

    def score(self, preds: dict[str, str | None], keys: list[str]) -> dict[str, float]:
        raise NotImplementedError

    def precision(self, key: str, pred: str | None) -> float | None:
        """The share of the output that is article text (None for an empty output)."""
        raise NotImplementedError

    def page_f1(self, key: str, pred: str | None) -> float:
        raise NotImplementedError

    def table(self, preds: dict[str, dict[str, str | None]], keys: dict[str, list[str]],
              cpu: dict[str, dict[str, float]]) -> list[str]:
        lines = [f"{'method':22s} {'F1':>6s} {'prec':>6s} {'recall':>6s} | {'F1 A':>6s} {'F1 B':>6s} | "
                 f"{'bad':>3s} {'A':>2s} {'B':>2s} | {'CPU ms median':>13s} {'mean':>8s}"]
        for name, by_key in preds.items():
            s = {h: self.score(by_key, ks) for h, ks in keys.items()}
            bad = {h: sum(1 for k in ks if (p := self.precision(k, by_key[k])) is not None and p < 0.5)
                   for h, ks in keys.items()}
            lines.append(f"{name:22s} {s['all']['f1']:6.4f} {s['all']['precision']:6.4f} "
                         f"{s['all']['recall']:6.4f} | {s['A']['f1']:6.4f} {s['B']['f1']:6.4f} | "
                         f"{bad['all']:3d} {bad['A']:2d} {bad['B']:2d} | {_cpu_cells(cpu[name]):>22s}")
        return lines

    def worst(self, preds: dict[str, str | None], n: int) -> list[str]:
        ranked = sorted(preds, key=lambda k: self.page_f1(k, preds[k]))[:n]
        out = []
        for key in ranked:
            prec = self.precision(key, preds[key])
            out.append(f"  {half_of(key)} f1={self.page_f1(key, preds[key]):.3f} "
                       f"precision={'-' if prec is None else f'{prec:.3f}'}  {key}")
        return out


class AebSet(BodySet):
    name = "aeb"

    def __init__(self, folder: Path, limit: int | None) -> None:
        super().__init__()
        self.scorer = load_module(folder / "score.py", "aeb_score")
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        keys = sorted(truth)[:limit] if limit else sorted(truth)
        self.truth = {k: truth[k] for k in keys}
        self.pages = [Page(k, truth[k]["url"], lzma.decompress((folder / "html" / f"{k}.html.xz").read_bytes()))
                      for k in keys]

    def score(self, preds: dict[str, str | None], keys: list[str]) -> dict[str, float]:
        totals, _ = self.scorer.score({k: self.truth[k] for k in keys},
                                      {k: {"articleBody": preds.get(k) or ""} for k in keys})
        return totals

    def _counts(self, key: str, pred: str | None) -> tuple[float, float, float]:
        return self.scorer.page_counts(self.truth[key]["articleBody"], pred or "")

    def precision(self, key: str, pred: str | None) -> float | None:
        tp, fp, fn = self._counts(key, pred)
        return self.scorer.precision(tp, fp, fn) if tp + fp > 0 else None

    def page_f1(self, key: str, pred: str | None) -> float:
        c = self._counts(key, pred)
        p, r = self.scorer.precision(*c), self.scorer.recall(*c)
        return 2 * p * r / (p + r) if p + r else 0.0


class SnippetSet(BodySet):
    name = "snippets"

    def __init__(self, folder: Path, limit: int | None) -> None:
        super().__init__()
        self.scorer = load_module(folder / "score.py", "snippets_score")
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        keys = sorted(truth)[:limit] if limit else sorted(truth)
        self.truth = {k: truth[k] for k in keys}
        self.pages = [Page(u, u, lzma.decompress((folder / truth[u]["file"]).read_bytes())) for u in keys]

    def score(self, preds: dict[str, str | None], keys: list[str]) -> dict[str, float]:
        return self.scorer.score({k: self.truth[k] for k in keys}, {k: preds.get(k) for k in keys})

    def precision(self, key: str, pred: str | None) -> float | None:
        tp, fp, _ = self.scorer.counts(self.truth[key], pred)
        return tp / (tp + fp) if tp + fp else None

    def page_f1(self, key: str, pred: str | None) -> float:
        tp, fp, fn = self.scorer.counts(self.truth[key], pred)
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


class DateSet(BenchSet):
    """Publication days: right, wrong (a day found, not the labelled one) and missing."""

    name = "dates"
    cpu_ratios = {"newscrawl": "htmldate extensive", "newscrawl date step": "htmldate extensive",
                  "newscrawl date step on a parsed page": "htmldate extensive on a parsed page"}

    def __init__(self, folder: Path, limit: int | None) -> None:
        self.scorer = load_module(folder / "score.py", "dates_score")
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        keys = sorted(truth)[:limit] if limit else sorted(truth)
        self.truth = {k: truth[k] for k in keys}
        self.pages = [Page(u, u, lzma.decompress((folder / truth[u]["file"]).read_bytes())) for u in keys]

    def run(self) -> Outcome:
        preds, cpu, _ = dates_bench.run(self.truth, {p.key: p.raw for p in self.pages}, list(dates_bench.METHODS))
        return Outcome(preds, cpu)

    def table(self, preds: dict[str, dict[str, str | None]], keys: dict[str, list[str]],
              cpu: dict[str, dict[str, float]]) -> list[str]:
        lines = [f"{'method':36s} {'acc':>6s} {'acc A':>6s} {'acc B':>6s} | {'right':>5s} {'wrong':>5s} "
                 f"{'miss':>5s} | {'CPU ms median':>13s} {'mean':>8s}"]
        for name, by_key in preds.items():
            s = {h: self.scorer.score({k: self.truth[k] for k in ks}, by_key) for h, ks in keys.items()}
            a = s["all"]
            lines.append(f"{name:36s} {a['accuracy']:6.4f} {s['A']['accuracy']:6.4f} {s['B']['accuracy']:6.4f} | "
                         f"{a['right']:5d} {a['found'] - a['right']:5d} {a['pages'] - a['found']:5d} | "
                         f"{_cpu_cells(cpu[name]):>22s}")
        return lines

    def worst(self, preds: dict[str, str | None], n: int) -> list[str]:
        misses = [k for k in self.truth if str(preds.get(k) or "")[:10] != self.truth[k]["date"]][:n]
        return [f"  {half_of(k)} {self.truth[k]['date']} got {preds.get(k)}  {k}" for k in misses]


SETS: dict[str, Callable[[Path, int | None], BenchSet]] = {"aeb": AebSet, "snippets": SnippetSet, "dates": DateSet}


# -- run ----------------------------------------------------------------------------------------


def report(bench_set: BenchSet, outcome: Outcome, worst: int) -> None:
    keys = {"all": [p.key for p in bench_set.pages]}
    for h in "AB":
        keys[h] = [k for k in keys["all"] if half_of(k) == h]
    print(f"\n== {bench_set.name}: {len(keys['all'])} pages (half A {len(keys['A'])}, half B {len(keys['B'])})")
    print("\n".join(bench_set.table(outcome.preds, keys, outcome.cpu)))
    for name, reference in bench_set.cpu_ratios.items():
        ours, ref = outcome.cpu[name].values(), outcome.cpu[reference].values()
        print(f"CPU {name} / {reference}: median {statistics.median(ours) / statistics.median(ref):.2f}, "
              f"mean {statistics.fmean(ours) / statistics.fmean(ref):.2f}")
    if outcome.body_methods:
        print("bodyMethod: " + ", ".join(f"{m} {n}" for m, n in outcome.body_methods.most_common()))
    if worst:
        print(f"worst pages of newscrawl ({worst}):")
        print("\n".join(bench_set.worst(outcome.preds["newscrawl"], worst)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=find_bench(), help="the folder holding aeb/, snippets/, dates/")
    ap.add_argument("--sets", default="aeb,snippets,dates", help="comma-separated: aeb, snippets, dates")
    ap.add_argument("--worst", type=int, default=0, help="list newscrawl's N worst pages of each set")
    ap.add_argument("--save", type=Path, help="write each set's predictions and CPU times here (JSON)")
    ap.add_argument("--limit", type=int, help="only the first N pages of each set (a quick look)")
    args = ap.parse_args()
    if args.bench is None or not args.bench.is_dir():
        ap.error("no shared/bench folder found beside the checkout: pass --bench")
    names = [s for s in args.sets.split(",") if s]
    unknown = set(names) - set(SETS)
    if unknown:
        ap.error(f"unknown sets: {', '.join(sorted(unknown))}")

    for name in names:
        bench_set = SETS[name](args.bench / name, args.limit)
        outcome = bench_set.run()
        report(bench_set, outcome, args.worst)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{name}.json").write_text(
                json.dumps({"preds": outcome.preds, "cpu": outcome.cpu}, ensure_ascii=False), encoding="utf-8")
    print("\nCPU = time.process_time() per page, ms; same process, methods rotated page by page. "
          "bad = pages where more than half of the output is not article text.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
