"""Readers of a page's structured data, one module per source.

- :mod:`.jsonld`: JSON-LD (``@graph``, ``mainEntity``, ``@id`` references, breadcrumbs);
- :mod:`.nextjs`: Next.js ``__NEXT_DATA__`` and the Sanity Portable Text body inside it;
- :mod:`.meta`: OpenGraph / ``article:*`` / Dublin Core / citation meta, ``<title>`` and its
  site-name suffix, ``rel=canonical``;
- :mod:`.visible`: generic visible-page signals (``<h1>``, bylines, HTML breadcrumbs);
- :mod:`.names`: person names from bylines and author fields, shared by the readers;
- :mod:`.own`: which of several documents (JSON-LD objects, Next.js documents) is the page's
  own article, from the page's URLs and shown titles.

Pure functions over an lxml HTML tree (or an HTML string, parsed on the way in); no Scrapy, no
I/O. Nothing here knows the target site's CSS classes: it reads machine-readable data and
generic HTML semantics (``<h1>``, ``rel=author``, ``itemprop``, ``aria-label``), so it keeps
working when the markup changes. Every function tolerates malformed input and returns empty
values instead of raising. Which source wins for which field is the page object's decision
(:mod:`newscrawl.extract.page`).
"""
