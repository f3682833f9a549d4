"""The tests' "now": 15 June 2026, 12:00 UTC.

A test that depends on today's date, the year or the time of day requests the `clock` fixture
(tests/conftest.py), which travels there with time-machine, so that it gives the same result
whatever day, year or hour the suite runs (1 January, 31 December, a minute before midnight or
before the hour a rate limit counts by). Compare with these constants, not with
`timezone.now()`: a constant read at import time cannot drift from the clock the test sets.
"""

import datetime as dt

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
YEAR = TODAY.year
