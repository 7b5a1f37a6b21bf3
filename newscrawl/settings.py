"""Scrapy settings for newscrawl.

Scrapy's own settings first (politeness defaults for the live site), then newscrawl's own,
all prefixed ``NEWSCRAWL_``. Each is documented in the README's settings table. Crawls of the
offline twin (``-a replica=...`` or a loopback ``base_url``) switch the politeness delays off
in the spider, since they would only slow the measurement.
"""

from __future__ import annotations

from newscrawl.items import ARTICLE_FIELDS

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

# -- Politeness (live site) -------------------------------------------------------------------
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; contact: newscrawl-ops@example.org)"
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.5  # with the jitter below: 1.0 to 2.0 s between requests
DOWNLOAD_DELAY_JITTER = 1 / 3
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
#: Items and requests of one response are handled one after the other. Each page yields at most
#: one item and the pipelines are synchronous, so parallel handling gains nothing, while Scrapy
#: starts this many asyncio tasks for every response. A navigation-only crawl of the twin
#: (2,000 articles, three alternating runs) took 8.3-9.9 s at Scrapy's default of 100 and
#: 5.6-7.4 s at 1.
CONCURRENT_ITEMS = 1
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# -- Robustness -------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 3
REDIRECT_MAX_TIMES = 5
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
LOG_LEVEL = "INFO"
LOG_FORMATTER = "newscrawl.logformatter.NewscrawlLogFormatter"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"  # drops are expected (duplicates); each is counted by reason

# -- Output: crash-safe files (.part, fsync, rename, manifest), see README "Runs" -------------
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(ARTICLE_FIELDS)
FEED_STORAGES = {
    "": "newscrawl.feeds.DurableFileFeedStorage",
    "file": "newscrawl.feeds.DurableFileFeedStorage",
    # remote feed URIs: a crash-safe local file, delivered once finished (newscrawl/delivery.py)
    "s3": "newscrawl.delivery.RemoteFeedStorage",
    "gs": "newscrawl.delivery.RemoteFeedStorage",
    "ftp": "newscrawl.delivery.RemoteFeedStorage",
    "ftps": "newscrawl.delivery.RemoteFeedStorage",
}
FEED_URI_PARAMS = "newscrawl.feeds.uri_params"  # adds %(output_dir)s, %(run_id)s; compact UTC %(time)s
FEEDS = {
    "%(output_dir)s/%(name)s/%(time)s.jsonl": {
        "format": "jsonlines",
        "encoding": "utf-8",
        "fields": list(ARTICLE_FIELDS),
        "store_empty": True,  # every run leaves a file and a manifest
        "newscrawl_unique": True,  # two runs in one second never share a file name
    },
}
COMMANDS_MODULE = "newscrawl.commands"  # `scrapy crawl` with the operator exit codes

# -- Run: state session, run outcome, stats file ------------------------------------------------
EXTENSIONS = {
    "newscrawl.state.extension.StateExtension": 50,  # before the run manager, which uses it
    "newscrawl.run.manager.RunManager": 100,
    "newscrawl.extensions.StatsFile": 900,
}
SPIDER_MIDDLEWARES = {
    "newscrawl.incremental.IncrementalSpiderMiddleware": 950,
    "newscrawl.limits.CrawlLimitsMiddleware": 900,  # after the state stopped exhausted listings
}
# The frontier on disk (memory stays flat whatever a site advertises) and bounded by
# NEWSCRAWL_MAX_FRONTIER and NEWSCRAWL_MAX_REQUESTS
SCHEDULER = "newscrawl.frontier.FrontierScheduler"
DUPEFILTER_CLASS = "newscrawl.frontier.DiskDupeFilter"
DOWNLOADER_MIDDLEWARES = {
    "newscrawl.offsite.SameOriginMiddleware": 40,  # before robots.txt and Scrapy's host-only check
    "newscrawl.incremental.ConditionalRequestMiddleware": 800,
}

# -- Pipelines: one job each, in this order ---------------------------------------------------
ITEM_PIPELINES = {
    "newscrawl.pipelines.checks.ChecksPipeline": 50,
    "newscrawl.pipelines.dates.DatesPipeline": 100,
    "newscrawl.pipelines.boilerplate.BoilerplatePipeline": 200,
    "newscrawl.pipelines.validate.RequiredFieldsPipeline": 300,
    "newscrawl.pipelines.oncology.OncologyPipeline": 320,
    "newscrawl.pipelines.identity.IdentityPipeline": 350,
    "newscrawl.pipelines.state.UnchangedPipeline": 360,
    "newscrawl.pipelines.validate.SchemaPipeline": 380,
    "newscrawl.pipelines.duplicates.DuplicatesPipeline": 400,
    "newscrawl.pipelines.state.StatePipeline": 950,
}

# -- newscrawl's own settings: every default here, once (README "Settings" lists them all) ----
# Dates
NEWSCRAWL_TIMEZONE = "America/New_York"
NEWSCRAWL_DATES_FUTURE_TOLERANCE = 86400.0
# Extraction
NEWSCRAWL_EXTRACT_ENABLED = True
NEWSCRAWL_EXTRACT_WORKERS = "auto"
NEWSCRAWL_EXTRACT_TIMEOUT = 60.0
NEWSCRAWL_EXTRACT_MAX_BYTES = 16 * 1024 * 1024  # real article pages are under 3 MB
# Boilerplate
NEWSCRAWL_BOILERPLATE_ENABLED = True
NEWSCRAWL_BOILERPLATE_LEARN = True
NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES = 5
NEWSCRAWL_BOILERPLATE_REPEAT_EDGE_SHARE = 0.9
NEWSCRAWL_BOILERPLATE_REPEAT_MIN_SHARE = 0.05
NEWSCRAWL_BOILERPLATE_REPEAT_MAX_CHARS = 120
NEWSCRAWL_BOILERPLATE_REPEAT_MAX_SHARE = 0.5
NEWSCRAWL_BOILERPLATE_REPEAT_MAX_BLOCKS = 100_000
# Navigation
NEWSCRAWL_DISCOVERY_ORDER = "natural"
NEWSCRAWL_DISCOVERY_SEED = 0
# Identity and duplicates
NEWSCRAWL_LOWERCASE_PATHS = True
NEWSCRAWL_DEDUP_ENABLED = True
NEWSCRAWL_DEDUP_NEAR_THRESHOLD = 0.75
NEWSCRAWL_DEDUP_STORE = "newscrawl.state.dedup_store.SQLiteDedupStore"
# State
NEWSCRAWL_STATE_ENABLED = True
NEWSCRAWL_STATE_DIR = ".newscrawl-state"
NEWSCRAWL_STATE_IGNORE = False
NEWSCRAWL_STATE_RESET = False
NEWSCRAWL_STATE_FORGET_DAYS = 0.0
# Incremental crawling
NEWSCRAWL_INCREMENTAL_ENABLED = True
NEWSCRAWL_INCREMENTAL_SKIP_KNOWN = True
NEWSCRAWL_INCREMENTAL_CONDITIONAL = True
NEWSCRAWL_INCREMENTAL_RECHECK_DAYS = 7.0
# Crawl limits (docs/operations.md "Limits"): far above what the real site needs (tens of
# thousands of articles since 2007 or earlier, 20 cards a listing page, one sitemap index of
# monthly sitemaps); a run that reaches one stops there and ends degraded (exit 4)
NEWSCRAWL_MAX_LISTING_DEPTH = 10_000  # listing pages followed from a seed, one chain
NEWSCRAWL_MAX_SITEMAP_DEPTH = 5  # sitemap nesting: robots.txt -> index -> sitemap is 2
NEWSCRAWL_SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's cap (uncompressed)
NEWSCRAWL_MAX_REQUESTS = 500_000  # requests per run
NEWSCRAWL_MAX_FRONTIER = 500_000  # discovered URLs waiting to be fetched
NEWSCRAWL_INCREMENTAL_RECENT_DAYS = 30.0
NEWSCRAWL_INCREMENTAL_RECENT_MAX = 40
# Output
NEWSCRAWL_OUTPUT_DIR = "output"
NEWSCRAWL_FEED_FSYNC_ITEMS = 20
NEWSCRAWL_FEED_FSYNC_SECONDS = 1.0
NEWSCRAWL_STATS_FILE = ""
# Delivery of finished files to remote targets (newscrawl/delivery.py)
NEWSCRAWL_DELIVER_TO = ""
NEWSCRAWL_DELIVERY_RETRIES = 3
NEWSCRAWL_DELIVERY_RETRY_DELAY = 2.0
NEWSCRAWL_DELIVERY_TIMEOUT = 60.0
# Degraded-run thresholds
NEWSCRAWL_DEGRADED_ERROR_RATIO = 0.05
NEWSCRAWL_DEGRADED_NO_BODY_RATIO = 0.05
NEWSCRAWL_DEGRADED_NO_DATE_RATIO = 0.10
NEWSCRAWL_DEGRADED_SCHEMA_RATIO = 0.01
NEWSCRAWL_DEGRADED_ZERO_ARTICLES = True
# Drift alarms: extraction health against the median of the last runs (run/health.py)
NEWSCRAWL_DRIFT_ENABLED = True
NEWSCRAWL_DRIFT_RUNS = 5
NEWSCRAWL_DRIFT_MAX_CHANGE = 0.2
NEWSCRAWL_DRIFT_MIN_ARTICLES = 50
NEWSCRAWL_DRIFT_FLOOR_GENERIC_BODY = 0.6
NEWSCRAWL_DRIFT_FLOOR_NO_AUTHOR = 0.5
NEWSCRAWL_DRIFT_FLOOR_HEADLINE_MISMATCH = 0.2
