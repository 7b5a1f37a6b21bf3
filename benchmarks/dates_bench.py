"""Publication-date benchmark on 471 real pages (``shared/bench/dates`` beside the checkout).

Every page is run through the project and through htmldate in the same process, page by page
(the order of the methods rotates from one page to the next), each call timed with
``time.process_time()`` (the process's user + system CPU, as rusage counts it):

* ``newscrawl``: :func:`newscrawl.processing.process_page`, exactly what ``newscrawl extract``
  runs (all fields); its ``datePublished`` is scored;
* ``newscrawl date step``: only what the date needs (page object from the bytes, the raw
  published and modified strings, :class:`~newscrawl.extract.dates.DateNormalizer`): the
  like-for-like CPU comparison with htmldate;
* ``htmldate extensive`` / ``htmldate fast``: ``find_date(html, url=..., original_date=True)``
  with ``extensive_search`` True / False;
* ``... on a parsed page``: the same date work on a page already parsed, untimed (in a crawl
  the page object has parsed the page and read its JSON-LD, Next.js data and meta tags for the
  other fields; htmldate gets the tree its own loader parsed): what the date itself costs.

The day must be exact (the set's own ``score.py`` scores the predictions). The set is split
into halves A and B by the parity of the first byte of the SHA-256 of the page URL: develop on
one, check on the other. An untimed warm-up comes first: one call per method, and htmldate
extensive over every page, which loads the ``dateparser`` locale tables these pages need (each
costs up to seconds once per process, paid by whichever caller meets the language first; both
htmldate and the project's fallbacks use dateparser). The CPU figures are per page of a process
that has been running, as in a crawl. htmldate's memoised string
checks are emptied before every timed call: the project's last resort calls htmldate on the
same page, and neither may be served the other's results.

    .venv/bin/python benchmarks/dates_bench.py [--bench DIR] [--limit N] [--out DIR]
        [--misses METHOD] [--half A|B]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import lzma
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import htmldate.core
import htmldate.extractors
import htmldate.validators
from htmldate import find_date
from htmldate.utils import load_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.extract.dates import DateNormalizer  # noqa: E402 - after the sys.path set-up above
from newscrawl.extract.page import ArticlePage  # noqa: E402 - (as above)
from newscrawl.items import stamp_download  # noqa: E402 - (as above)
from newscrawl.processing import process_page  # noqa: E402 - (as above)


def find_bench() -> Path | None:
    """``shared/bench/dates`` beside the checkout or beside one of its parent folders."""
    for folder in ROOT.parents:
        if (folder / "shared" / "bench" / "dates").is_dir():
            return folder / "shared" / "bench" / "dates"
    return None


def half_of(key: str) -> str:
    """"A" or "B": a stable split of the set by a hash of the page key."""
    return "A" if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def newscrawl(url: str, raw: bytes) -> str | None:
    return process_page(url, raw).get("datePublished")


def _page(url: str, raw: bytes) -> ArticlePage:
    return ArticlePage(url, raw)


def _parsed_page(url: str, raw: bytes) -> ArticlePage:
    """A page object whose shared passes (parse, JSON-LD, Next.js data, meta, titles) are done."""
    page = ArticlePage(url, raw)
    page.in_language()
    _ = page.evidence, page.nextjs
    return page


def _date_step(url: str, page: ArticlePage) -> str | None:
    item = {"url": url, "inLanguage": page.in_language(), "datePublishedRaw": page.date_published_raw(),
            "dateModifiedRaw": page.date_modified_raw()}
    stamp_download(item)
    DateNormalizer().apply(item)
    return item.get("datePublished")


def _htmldate(extensive: bool) -> Callable[[str, Any], str | None]:
    def run(url: str, html: Any) -> str | None:
        return find_date(html, url=url, extensive_search=extensive, original_date=True)

    return run


def _bytes(url: str, raw: bytes) -> bytes:
    return raw


#: name -> (untimed preparation of the page, the timed call on what it prepared)
METHODS: dict[str, tuple[Callable[[str, bytes], Any], Callable[[str, Any], str | None]]] = {
    "newscrawl": (_bytes, newscrawl),
    "newscrawl date step": (_bytes, lambda url, raw: _date_step(url, _page(url, raw))),
    "htmldate extensive": (_bytes, _htmldate(True)),
    "htmldate fast": (_bytes, _htmldate(False)),
    "newscrawl date step on a parsed page": (_parsed_page, _date_step),
    "htmldate extensive on a parsed page": (lambda url, raw: load_html(raw), _htmldate(True)),
}


#: htmldate memoises its string checks; the project's fallback calls htmldate too, so each call
#: starts with them empty (else a page's second caller would be served the first one's results)
#: (its set-up caches, such as the dateparser instance, are kept)
_HTMLDATE_CACHES = [f for module in (htmldate.core, htmldate.extractors, htmldate.validators)
                    for name, f in vars(module).items()
                    if name in ("try_date_expr", "filter_ymd_candidate", "is_valid_format", "_parse_and_validate")
                    and callable(getattr(f, "cache_clear", None))]


def load_scorer(bench: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("dates_score", bench / "score.py")
    if spec is None or spec.loader is None:
        raise ImportError(bench / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(truth: dict[str, dict[str, str]], pages: dict[str, bytes], names: list[str]
        ) -> tuple[dict[str, dict[str, str | None]], dict[str, dict[str, float]], dict[str, int]]:
    """Every method on every page, the order rotating; predictions, CPU seconds and errors."""
    preds: dict[str, dict[str, str | None]] = {n: {} for n in names}
    cpu: dict[str, dict[str, float]] = {n: {} for n in names}
    errors = dict.fromkeys(names, 0)
    first = next(iter(truth))
    for key in truth:  # warm-up, untimed: dateparser's locale tables load on first use
        try:
            find_date(pages[key], url=key, extensive_search=True, original_date=True)
        except Exception:  # noqa: BLE001 - counted in the timed run below
            pass
    for name in names:  # warm-up, untimed
        prepare, call = METHODS[name]
        try:
            call(first, prepare(first, pages[first]))
        except Exception:  # noqa: BLE001 - counted in the timed run below
            pass
    for i, key in enumerate(truth):
        order = names[i % len(names):] + names[: i % len(names)]
        for name in order:
            prepare, call = METHODS[name]
            try:
                prepared = prepare(key, pages[key])
            except Exception:  # noqa: BLE001 - the timed call below meets it again
                prepared = pages[key]
            for cached in _HTMLDATE_CACHES:
                cached.cache_clear()
            start = time.process_time()
            try:
                got = call(key, prepared)
            except Exception as exc:  # noqa: BLE001 - a page that fails counts as no date
                print(f"  {name}: {type(exc).__name__}: {exc} on {key}", file=sys.stderr)
                got, errors[name] = None, errors[name] + 1
            cpu[name][key] = time.process_time() - start
            preds[name][key] = got
    return preds, cpu, errors


def counts(truth: dict[str, dict[str, str]], preds: dict[str, str | None], keys: list[str]) -> tuple[int, int, int]:
    """(right, wrong, missing) over ``keys``."""
    right = sum(1 for k in keys if preds.get(k) and str(preds[k])[:10] == truth[k]["date"])
    missing = sum(1 for k in keys if not preds.get(k))
    return right, len(keys) - right - missing, missing


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=find_bench(), help="the dates set's folder")
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated, of: " + "; ".join(METHODS))
    ap.add_argument("--limit", type=int, help="only the first N pages (by URL)")
    ap.add_argument("--out", type=Path, help="write each method's predictions JSON into this folder")
    ap.add_argument("--misses", help="list this method's wrong and missing pages")
    ap.add_argument("--half", choices=("A", "B"), help="with --misses: only this half")
    args = ap.parse_args()
    if args.bench is None or not (args.bench / "ground-truth.json").is_file():
        ap.error("no dates set found: give --bench DIR")
    names = [n.strip() for n in args.methods.split(",") if n.strip()]
    unknown = [n for n in names if n not in METHODS]
    if unknown:
        ap.error(f"unknown method(s): {', '.join(unknown)}")
    full = json.loads((args.bench / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(full)[: args.limit] if args.limit else sorted(full)
    truth = {k: full[k] for k in keys}
    pages = {k: lzma.decompress((args.bench / truth[k]["file"]).read_bytes()) for k in keys}
    scorer = load_scorer(args.bench)

    preds, cpu, errors = run(truth, pages, names)

    halves = {h: [k for k in keys if half_of(k) == h] for h in ("A", "B")}
    print(f"dates: {len(keys)} pages (half A {len(halves['A'])}, half B {len(halves['B'])}); "
          "the day must be exact; CPU = time.process_time() per call")
    print(f"{'method':<37} {'acc.':>6} {'A':>6} {'B':>6}  {'A right/wrong/missing':>21}  "
          f"{'B right/wrong/missing':>21}  {'CPU ms median':>13} {'mean':>6}  errors")
    for name in names:
        overall = scorer.score(truth, preds[name])
        row = f"{name:<37} {overall['accuracy']:>6.3f}"
        for h in ("A", "B"):
            row += f" {counts(truth, preds[name], halves[h])[0] / max(1, len(halves[h])):>6.3f}"
        for h in ("A", "B"):
            row += f"  {'/'.join(map(str, counts(truth, preds[name], halves[h]))):>21}"
        times = list(cpu[name].values())
        row += f"  {statistics.median(times) * 1000:>13.1f} {statistics.fmean(times) * 1000:>6.1f}  {errors[name]}"
        print(row)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name.replace(' ', '-')}.json").write_text(json.dumps(preds[name], indent=0))
    if args.misses:
        if args.misses not in preds:
            ap.error(f"--misses {args.misses}: not among the methods run")
        print(f"misses of {args.misses} (half, truth, got, url):")
        for k in keys:
            got = preds[args.misses].get(k)
            if str(got or "")[:10] != truth[k]["date"] and (args.half is None or half_of(k) == args.half):
                print(f"  {half_of(k)} {truth[k]['date']} got {got}  {k}")


if __name__ == "__main__":
    main()
