"""The statuses a unit can have, in workflow order (the rules live in services/units.py)."""

STATUSES = ("new", "translated", "approved", "rejected", "needs_review")
