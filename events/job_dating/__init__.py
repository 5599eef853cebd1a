"""Job-dating at the Café-métiers: tables, slots, the automatic proposal, the recruiter's
screen and outcomes (services, forms, views)."""
