"""Learning from inquiries: the ECHO taxonomy and the case library of public inquiries
and reviews (issue 11). The shipped data is in `data/`; the computations are in
echoorg.core.library."""
