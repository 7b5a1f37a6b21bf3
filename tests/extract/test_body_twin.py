"""The generic body path alone on the twin's article pages, checked against the twin's truth.

``__NEXT_DATA__`` and JSON-LD are removed from each page, so that every article (Next.js,
OpenGraph-only and legacy templates) takes the generic HTML path, as it would if the site's
structured data went missing: the body must still match the truth (token F1 >= 0.99, the twin
crawl's bar).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from newscrawl.extract.boilerplate import clean_body
from newscrawl.extract.page import ArticlePage

replica_model = pytest.importorskip("newscrawl.replica.model")
replica_render = pytest.importorskip("newscrawl.replica.render")
replica_truth = pytest.importorskip("newscrawl.replica.truth")
replica_scoring = pytest.importorskip("newscrawl.replica.scoring")

_STRUCTURED_RE = re.compile(r'<script[^>]*(?:id="__NEXT_DATA__"|application/ld\+json)[^>]*>.*?</script>', re.S)


def test_generic_path_matches_the_truth_on_every_template() -> None:
    site = replica_model.Site(200, seed=7)
    links = replica_render.Links(site, "http://127.0.0.1:8000")
    templates: Counter[str] = Counter()
    wrong = []
    for i in range(site.count):
        if site.role(i) in replica_model.MEDIA_ROLES:
            continue
        article = site.article(i)
        html = _STRUCTURED_RE.sub("", replica_render.render_article(links, article))
        assert "__NEXT_DATA__" not in html and "application/ld+json" not in html
        item = ArticlePage(links.view(i), html.encode("utf-8")).to_item()
        assert (item["bodyMethod"] or "").startswith("html-generic")
        body = clean_body(item["articleBody"] or "", headline=item["headline"])
        f1 = replica_scoring.token_f1(body, replica_truth.article_body(article))
        templates[article.template] += 1
        if f1 < 0.99:
            wrong.append((i, article.template, round(f1, 3)))
    assert {"nextjs", "meta", "legacy"} <= set(templates)
    assert not wrong, wrong[:10]
