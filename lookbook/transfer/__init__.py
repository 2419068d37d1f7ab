"""Moving catalogs in and out: CSV/JSON import and export of items and lookbooks.

Sits above both ``catalog`` and ``lookbooks`` so neither has to import the other.
"""
