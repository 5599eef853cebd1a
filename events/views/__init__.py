"""The pages of a Café-métiers, one module for each part of the work (urls.py names them)."""
