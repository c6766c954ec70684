"""Speak-up and safeguarding concerns: the functional core (no Django).

- `calendar`: England and Wales bank holidays and working days.
- `clocks`: the event vocabulary, the case clocks (EU Directive 2019/1937 art. 9 by
  default), the per-case analysis contract, the rules of what a timeline may hold
  (dates, order, ids) that every door applies, and `review_case` for stored cases.
- `metrics`: leader and board views with small-count suppression (counts, and the
  medians and shares computed from cases), and the National Guardian's Office
  quarterly return.
- `simulate`: fictional demo cases and one fictional composite case.
"""
