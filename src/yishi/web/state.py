"""What the application keeps between requests: configuration, services, rate buckets."""

from __future__ import annotations

import attrs

from yishi.web.auth import TokenBuckets
from yishi.web.config import WebConfig
from yishi.web.service import Service


@attrs.define
class WebState:
    config: WebConfig
    services: dict[str, Service]
    buckets: TokenBuckets

    @classmethod
    def build(cls, config: WebConfig) -> WebState:
        return cls(
            config=config,
            services={slug: Service(c) for slug, c in config.communities.items()},
            buckets=TokenBuckets(config.rate, config.burst, config.ticks),
        )
