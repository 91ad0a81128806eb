"""Live sources for ``babelwire watch``: RSS/Atom/JSON Feed URLs, news sitemaps and inbox folders.

``_http`` fetches politely (http(s) only, conditional GET, time-outs, retries with backoff, a body
limit, bounded redirects, one request per host at a time); ``_parse`` turns a body into entries;
``_config`` reads the watch TOML file; ``_watcher`` polls, reads each entry once and ingests it
through the pipeline.
"""

from ._config import DEFAULTS, SOURCE_KEYS, SourceConfig, load_config, sources_from_args
from ._http import DEFAULT_USER_AGENT, Fetcher, HttpPolicy, Response, check_url
from ._parse import Entry, ParsedBody, parse_body
from ._watcher import PollResult, Watcher, article_id

__all__ = ["Watcher", "PollResult", "SourceConfig", "load_config", "sources_from_args", "SOURCE_KEYS", "DEFAULTS",
           "Fetcher", "HttpPolicy", "Response", "check_url", "DEFAULT_USER_AGENT", "Entry", "ParsedBody",
           "parse_body", "article_id"]
