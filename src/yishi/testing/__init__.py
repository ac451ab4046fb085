"""Helpers for testing yishi and its plugins.

- :mod:`yishi.testing.store_contract`: ``StoreContract``, the test suite every
  event-store backend must pass (subclass it and say how to make a store).
- :mod:`yishi.testing.plugin_contracts`: ``PublisherContract`` and
  ``VoteMethodContract``, the same idea for publishers and vote methods.
- :mod:`yishi.testing.pytest_plugin`: fixtures (``yishi_engine``,
  ``yishi_clock``, ``yishi_plugins``, ``yishi_community``), loaded by pytest
  through the ``pytest11`` entry point whenever yishi is installed.
- :mod:`yishi.testing.community`: a village for the shipped 四议两公开 rule set.
- :class:`FixedClock`: a clock the test sets and moves.

The contract modules need pytest and hypothesis; importing this package does not.
"""

from yishi.clock import FixedClock

__all__ = ["FixedClock"]
