"""Leader development: guided critical reflection, and each person's "My development" page."""
