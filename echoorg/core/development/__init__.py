"""Leader development: guided critical reflection (and, beside it, case analysis and
scenarios). Plain Python, no Django."""
