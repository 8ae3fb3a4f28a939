"""The files every page shares: one stylesheet, a favicon, and the figures as palette PNGs named by content.

A report page links the site's stylesheet and its figures instead of carrying them inline: pages cache
one stylesheet, and a chart that 53 reports show is stored once (`assets/img/<sha256 prefix>.png`: the
same bytes get the same name, so writing one twice changes nothing). Figures are 8-bit palette PNGs
(Pillow's fast octree quantizer, no dithering): maps and charts of a few flat colours lose nothing a reader
sees and shrink three to four times. A self-contained page (`kepatuhan build --embed`, for e-mail) keeps the
same figures inline and the stylesheet in a `<style>` element.
"""

from __future__ import annotations

import base64
import hashlib
import io
import posixpath
from pathlib import Path

from .files import atomic_write_bytes

SOURCE_DIR = Path(__file__).parent / "templates" / "assets"
#: Where the shared files live, relative to the reports folder.
STYLESHEET = "assets/kepatuhan.css"
FAVICON = "favicon.svg"
IMAGE_DIR = "assets/img"
#: Hex digits of the SHA-256 in a figure's file name: 80 bits, no collision among a site's figures.
NAME_DIGITS = 20
#: Figures before this one in a page are loaded at once (the first screen); later ones lazily.
EAGER_FIGURES = 1


def stylesheet() -> str:
    return (SOURCE_DIR / "kepatuhan.css").read_text(encoding="utf-8")


def palette_png(raw: bytes) -> tuple[bytes, int, int]:
    """(PNG bytes, width, height) of a figure as an 8-bit palette PNG; the original when that is not smaller."""
    from PIL import Image

    image = Image.open(io.BytesIO(raw))
    image.load()
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:  # opaque: matplotlib's white canvas
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    quantized = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    quantized.save(buffer, format="PNG")
    png = buffer.getvalue()
    return (png if len(png) < len(raw) else raw), image.width, image.height


def image_name(png: bytes) -> str:
    """Where a figure is stored, relative to the reports folder: named by its content."""
    return f"{IMAGE_DIR}/{hashlib.sha256(png).hexdigest()[:NAME_DIGITS]}.png"


def place_figures(nb, slug: str, embed: bool = False) -> dict[str, bytes]:
    """Turn every PNG output of an executed notebook into a palette PNG; return {file name: bytes} to write.

    Each output gets `metadata["kepatuhan"]` (src relative to the page `slug`, width, height, lazy) for
    the page template. With `embed` the PNG stays inline (smaller) and nothing is to be written."""
    files: dict[str, bytes] = {}
    shown = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            png, width, height = palette_png(base64.b64decode(data["image/png"]))
            placed = {"width": width, "height": height, "lazy": shown >= EAGER_FIGURES}
            if embed:
                data["image/png"] = base64.b64encode(png).decode("ascii")
            else:
                name = image_name(png)
                files[name] = png
                placed["src"] = posixpath.relpath(name, posixpath.dirname(slug) or ".")
            output.setdefault("metadata", {})["kepatuhan"] = placed
            shown += 1
    return files


def write_figures(out: Path, files: dict[str, bytes]) -> None:
    """Write the figures not yet on disk (a name is its content: one already there is the same file)."""
    for name, content in files.items():
        target = out / name
        if not (target.is_file() and target.stat().st_size == len(content)):
            atomic_write_bytes(target, content)


def write_shared(out: Path) -> list[Path]:
    """The stylesheet and the favicon, into the reports folder `out` (rewritten only when they changed)."""
    written = []
    for name, source in ((STYLESHEET, SOURCE_DIR / "kepatuhan.css"), (FAVICON, SOURCE_DIR / "favicon.svg")):
        content, target = source.read_bytes(), out / name
        if not (target.is_file() and target.read_bytes() == content):
            atomic_write_bytes(target, content)
        written.append(target)
    return written
