"""Branching scenarios (issue 12): fictional composite cases written in Ink, played one
decision at a time on the server with bink, each learner's progress saved so they can
leave and resume, and a debrief of their path, the three systems and the outcome for the
people at risk."""
