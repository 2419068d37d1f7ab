"""Read a rendered page the way a test needs to: its visible text, links, images and meta tags."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


class Page(HTMLParser):
    """A parsed HTML page: ``text`` (visible words), ``tags`` [(tag, attrs)], helpers."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._text: list[str] = []
        self._skip = 0
        self.feed(html)
        self.text = re.sub(r"\s+", " ", " ".join(self._text)).strip()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style", "head"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Return the attributes of every ``tag`` whose attributes include ``attrs``."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in want.items())]

    def links(self) -> list[str]:
        """Return every link target in document order."""
        return [a["href"] for a in self.all("a") if "href" in a]

    def meta(self, key: str) -> str | None:
        """Return a meta tag's content by name or property (e.g. "og:image")."""
        for attrs in self.all("meta"):
            if key in (attrs.get("name"), attrs.get("property")):
                return attrs.get("content")
        return None

    def title(self) -> str:
        """Return the <title>."""
        found = re.search(r"<title>(.*?)</title>", self.html, re.S)
        return unescape(found.group(1).strip()) if found else ""
