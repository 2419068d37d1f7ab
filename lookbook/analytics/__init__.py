"""Shopper events (impressions, clicks, add-to-carts, purchases) and their daily roll-ups."""
