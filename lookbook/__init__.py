"""Lookbook: lookbooks and explained bag recommendations for micro and mini handbags."""

from lookbook.server.app import create_app

__all__ = ["create_app"]
