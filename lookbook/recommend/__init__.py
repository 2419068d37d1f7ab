"""The recommender: complete the look, wear it with, similar bags and bundles, explained."""
