"""A stand-alone "run" for crash tests: exports the missing part of a universe of articles.

It uses exactly the production path -- StateSession (lock, store), recovery of leftover
``.part`` files, DurableFile with the session's commit -- without Scrapy, so a test can
``kill -9`` it at random moments quickly and many times.

Usage: python crash_writer.py STATE_DIR OUT_DIR UNIVERSE_SIZE SEED
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from newscrawl.feeds import DurableFile, find_parts, recover_part
from newscrawl.runinfo import utc_iso
from newscrawl.state.session import StateSession


def article(i: int) -> dict[str, object]:
    ident = f"{i:016x}"
    return {
        "id": ident,
        "version": 1,
        "url": f"https://example.org/view/article-{i}",
        "canonicalUrl": f"https://example.org/view/article-{i}",
        "headline": f"Article {i}",
        "articleBody": (f"Body of article {i}. ") * random.randint(5, 200),
        "fingerprint": f"fp{i}",
    }


def main(state_dir: str, out_dir: str, universe: int, seed: int) -> int:
    random.seed(seed)
    session = StateSession(state_dir, "crashy", run_id=f"run-{seed}").start()
    out = Path(out_dir)
    for part in find_parts(out):
        recover_part(part, on_commit=lambda lines, f: session.commit_lines(lines, f, recovered=True),
                     spider="crashy")
    todo = [i for i in range(universe) if session.get_article(f"{i:016x}") is None]
    print(f"todo {len(todo)}", flush=True)
    final = out / f"{time.strftime('%Y%m%dT%H%M%S')}-{seed}.jsonl"
    feed = DurableFile(
        final, jsonl=True, on_commit=session.commit_lines, batch_items=random.randint(1, 7),
        batch_seconds=10.0, run_info={"runId": f"run-{seed}", "spider": "crashy", "startedAt": utc_iso()},
    )
    for i in todo:
        line = json.dumps(article(i)) + "\n"
        data = line.encode()
        if random.random() < 0.3:  # split writes widen the window for torn lines
            cut = random.randint(1, len(data) - 1)
            feed.write(data[:cut])
            time.sleep(random.random() * 0.002)
            feed.write(data[cut:])
        else:
            feed.write(data)
        if random.random() < 0.2:
            time.sleep(random.random() * 0.004)
    feed.finalize({"runId": f"run-{seed}", "spider": "crashy"})
    session.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
