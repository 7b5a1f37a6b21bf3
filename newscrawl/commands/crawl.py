"""`scrapy crawl` for this project: Scrapy's command with newscrawl's exit codes."""

from newscrawl.run.command import CrawlCommand


class Command(CrawlCommand):
    """See :class:`newscrawl.run.command.CrawlCommand`."""
