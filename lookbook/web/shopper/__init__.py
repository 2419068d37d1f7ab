"""Shopper pages (DESIGN §4.4): home, lookbooks, outfits, bags and browse.

Each module holds one page's view; ``lookbook.web.pages`` maps them to URLs.  Views
parse the request, ask the catalog, lookbook and recommend layers, and render.
"""
