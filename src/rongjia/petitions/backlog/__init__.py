"""积案 and 包案: petitions overdue or lodged three times, each with a named leader, a plan and monthly progress."""
