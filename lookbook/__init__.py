"""Lookbook: lookbooks and explained bag recommendations for micro and mini handbags."""

from lookbook.app import create_app

__all__ = ["create_app"]
