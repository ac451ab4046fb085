"""The pure domain: attrs values, events, decide(), evolve(), counting. No I/O."""
