"""Plain-English number and month words: one table each, shared by the table planner and the claim checks."""

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12}

# month name or abbreviation -> month number
MONTHS = {m: i for i, names in enumerate((
    "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
    "september sep sept", "october oct", "november nov", "december dec"), start=1) for m in names.split()}

# a regex alternation of the month names, longest first ("june" before "jun")
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
