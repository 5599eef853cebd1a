"""Programme years: a territory's calendar years of the programme, opened, edited and closed
by its coordination; each new file is enrolled in the open year of its enrolment date."""
