"""What a page tells search engines and link previews: title, description, canonical URL,
Open Graph and Twitter card tags (rendered by templates/base.html)."""

from __future__ import annotations

from typing import Any

from lookbook.web.pictures import share_image

MAX_DESCRIPTION = 300


def share(title: str, description: str, url: str, *, item: Any = None,
          kind: str = "website") -> dict[str, Any]:
    """Return the share tags of a page; ``item`` lends its photo as the preview image."""
    text = " ".join(description.split())
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
    return {"title": title, "description": text, "url": url, "type": kind,
            "image": share_image(item) if item is not None else None}
