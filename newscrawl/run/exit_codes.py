"""Exit codes of ``newscrawl crawl`` and, through the project's ``crawl`` command, ``scrapy crawl``.

== ===========================================================================================
0  success
1  unexpected crash (a bug: the traceback is in the log)
2  bad arguments or settings (unknown spider, bad ``-a``/``-s`` value)
3  failed start: state locked by another run, state corrupt, site unreachable (no response)
4  degraded: the run finished but broke a threshold (error ratio, articles without body or
   date, schema failures, zero articles where the site showed new ones, interrupted, feed
   not finished, extraction drift); its output is valid and delivered, but an operator should look
5  not delivered: the run wrote its files, but at least one file (of this run or an earlier
   one) could not be delivered to a remote target (``NEWSCRAWL_DELIVER_TO``, a remote feed
   URI); the next run tries again
== ===========================================================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CRASH = 1
EXIT_USAGE = 2
EXIT_FAILED_START = 3
EXIT_DEGRADED = 4
EXIT_UNDELIVERED = 5
