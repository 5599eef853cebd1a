"""Files kept in the database, so that every app node and every job worker reads what
another one wrote: background work's results and inputs, import previews."""
