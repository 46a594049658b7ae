"""Checking and adapting a rendered SVG before it is inlined in the report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape

_FORBIDDEN = {"script", "foreignobject", "iframe", "object", "embed", "a", "image", "use"}
_ID = re.compile(r'\bid="([^"]+)"')


class UnsafeSVG(ValueError):
    """A chart SVG held something that must not reach the report."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def check_svg(svg: str) -> None:
    """Raise UnsafeSVG unless ``svg`` is well-formed, script-free and self-contained."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise UnsafeSVG(f"chart SVG is not well-formed: {exc}") from None
    if _local(root.tag) != "svg":
        raise UnsafeSVG("chart SVG does not start with <svg>")
    for el in root.iter():
        if _local(el.tag) in _FORBIDDEN:
            raise UnsafeSVG(f"chart SVG holds a <{_local(el.tag)}> element")
        for attr, value in el.attrib.items():
            name = _local(attr)
            if name.startswith("on"):
                raise UnsafeSVG(f"chart SVG holds an event handler ({name})")
            if name == "href" and not value.startswith("#"):
                raise UnsafeSVG("chart SVG links outside itself")
            if "url(" in value and not re.fullmatch(r"url\(#[^)]*\)", value.strip()):
                raise UnsafeSVG("chart SVG references an outside resource")


def tidy_svg(svg: str, name: str, title: str) -> str:
    """``svg`` checked, its ids prefixed with ``name`` (several charts share one page),
    labelled with ``title`` for screen readers, and without its XML prolog."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    check_svg(svg)
    ids = set(_ID.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{name}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    label = escape(title, quote=True)
    svg = re.sub(
        r"^<svg\b",
        f'<svg role="img" aria-label="{label}" data-chart="{escape(name, quote=True)}"',
        svg,
        count=1,
    )
    return re.sub(r"<svg\b[^>]*>", lambda m: f"{m.group(0)}<title>{label}</title>", svg, count=1)
