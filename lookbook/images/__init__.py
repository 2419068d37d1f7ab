"""Product photos: safe ingest, renditions, the palette read from a photo, and storage.

``decode`` (allow-listed, bomb-checked opening) -> ``normalise`` (sRGB, no metadata)
-> ``render`` (WebP sizes and a JPEG fallback) and ``palette`` (with ``background``)
are joined by ``ingest.process``; ``service.ImageService`` attaches the result to
items; ``errors`` says why a file was refused.  No module here imports Flask.
"""
