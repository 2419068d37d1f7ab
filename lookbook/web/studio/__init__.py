"""The curator studio under /curate: one small module per thing a stylist works on.

Each module is a blueprint nested in the ``curate`` blueprint (``lookbook.web.curate``),
which signs people in, checks CSRF on every write and marks every page ``no-store``
before any studio view runs; admin-only modules add their own role check.
"""
