"""`scrapy crawl` for this project: Scrapy's command with newscrawl's exit codes."""

from newscrawl.runs import CrawlCommand


class Command(CrawlCommand):
    """See :class:`newscrawl.runs.CrawlCommand`."""
