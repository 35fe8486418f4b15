# German: "27. November 2026", "27. November 2026, 14:30". Only display formats; input formats and
# the separators stay Django's.
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. F"
# The site's own, for date ranges (events/templatetags/event_dates.py): "3.–5. März 2026",
# "30. März – 2. April 2026"; and compact lists: "18. Okt 2023".
DAY_FORMAT = "j."
ABBR_DATE_FORMAT = "j. M Y"
# The admin's moments: "27. Nov 2026, 17:52".
ABBR_DATETIME_FORMAT = "j. M Y, H:i"
