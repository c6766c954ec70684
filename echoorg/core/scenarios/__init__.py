"""Branching scenarios: playing Ink stories with bink, the three-systems trajectory chart
and the text a reflection starts from (issue 12). Plain Python, no Django."""
