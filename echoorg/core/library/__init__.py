"""The learning library: the ECHO taxonomy codebook, the case files of public inquiries
and reviews, and the figures derived from their timelines (plain Python, no Django)."""
