# Django ships no formats for this language, nor a catalogue with the months' names (they would
# show in English): dates are numeric, day first, as Lao writes them; 24-hour times.
DATE_FORMAT = "j/n/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j/n/Y, H:i"
YEAR_MONTH_FORMAT = "n/Y"
MONTH_DAY_FORMAT = "j/n"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
