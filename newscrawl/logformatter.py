"""Log lines an operator can read: a dropped item is its URL and reason, not the whole item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.logformatter import LogFormatter, LogFormatterResult

from newscrawl.drops import Dropped, Staged

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure


class NewscrawlLogFormatter(LogFormatter):
    """Scrapy's formatter, with one-line drops (the counts are in the stats by reason)."""

    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        if isinstance(exception, Dropped):
            reason = exception.reason.name + (f" ({exception.detail})" if exception.detail else "")
        else:
            reason = f"{type(exception).__name__}: {exception}"
        result["msg"] = "Dropped %(url)s: %(reason)s"
        result["args"] = {"url": ItemAdapter(item).get("url"), "reason": reason}
        if isinstance(exception, Staged):  # not a drop (logged at DEBUG): its outcome comes at the end
            result["msg"] = "Staged %(url)s"
        return result
