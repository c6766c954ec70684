"""Speak-up and safeguarding concerns: the functional core (no Django).

- `calendar`: England and Wales bank holidays and working days.
- `clocks`: the event vocabulary, the case clocks (EU Directive 2019/1937 art. 9 by
  default) and the per-case analysis contract.
- `metrics`: leader and board views with small-count suppression, and the National
  Guardian's Office quarterly return.
- `simulate`: fictional demo cases and one fictional composite case.
"""
