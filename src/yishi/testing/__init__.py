"""Helpers for testing yishi and its plugins.

- :mod:`yishi.testing.store_contract`: ``StoreContract``, the test suite every
  event-store backend must pass (subclass it and say how to make a store).
- :class:`FixedClock`: a clock the test sets and moves.

The contract module needs pytest and hypothesis; importing this package does not.
"""

from yishi.clock import FixedClock

__all__ = ["FixedClock"]
