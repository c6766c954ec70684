"""The ECHO case analysis: its steps and their checks, what pre-fills them, the worked
example, and the geometry of a case's timeline. Plain Python, no Django."""
