"""The files every page shares: one stylesheet, a favicon, and the figures as palette PNGs (charts also as
SVG, for download) named by content.

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

from .files import atomic_write_bytes, write_if_changed

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
    # zlib level 8: 8 % smaller than Pillow's default 6 for ~4 ms a figure; 9 gains 1 % more for ~13 ms
    quantized.save(buffer, format="PNG", compress_level=8)
    png = buffer.getvalue()
    return (png if len(png) < len(raw) else raw), image.width, image.height


def image_name(content: bytes, extension: str = "png") -> str:
    """Where a figure is stored, relative to the reports folder: named by its content."""
    return f"{IMAGE_DIR}/{hashlib.sha256(content).hexdigest()[:NAME_DIGITS]}.{extension}"


def download_name(slug: str, number: int) -> str:
    """The file name a downloaded figure gets (without extension): the page's path and the figure's place."""
    return "kepatuhan-" + slug.replace("/", "-") + f"-{number}"


def place_figures(nb, slug: str, embed: bool = False) -> dict[str, bytes]:
    """Turn every PNG output of an executed notebook into a palette PNG; return {file name: bytes} to write.

    Each output gets `metadata["kepatuhan"]` (src relative to the page `slug`, width, height, lazy, the
    download name, `main` when the report marked it its main chart, `name` below the reports folder) for
    the page template and the share tags. A chart's SVG (`image/svg+xml`, `report.markup.Chart`) leaves
    the output and is written beside the PNG for download (`svg`). With `embed` the PNG stays inline
    (smaller), the SVG is dropped and nothing is to be written."""
    files: dict[str, bytes] = {}
    shown = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            svg = data.pop("image/svg+xml", None)
            png, width, height = palette_png(base64.b64decode(data["image/png"]))
            metadata = output.setdefault("metadata", {})
            placed = {"width": width, "height": height, "lazy": shown >= EAGER_FIGURES,
                      "main": bool((metadata.get("kepatuhan") or {}).get("main")),
                      "download": download_name(slug, shown + 1)}
            if embed:
                data["image/png"] = base64.b64encode(png).decode("ascii")
            else:
                name = image_name(png)
                files[name] = png
                placed["name"] = name
                placed["src"] = posixpath.relpath(name, posixpath.dirname(slug) or ".")
                if svg is not None:
                    content = ("".join(svg) if isinstance(svg, list) else svg).encode("utf-8")
                    files[image_name(content, "svg")] = content
                    placed["svg"] = posixpath.relpath(image_name(content, "svg"), posixpath.dirname(slug) or ".")
            metadata["kepatuhan"] = placed
            shown += 1
    return files


def share_image(nb) -> tuple[str, str]:
    """(path below the reports folder, alt text) of the figure a page's share tags name: the chart the
    report marked as its main one, else its first figure; ("", "") when the page has none written."""
    placed = [(output.get("metadata", {}).get("kepatuhan") or {}, output.get("metadata", {}))
              for cell in nb.cells for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
    written = [(p, m) for p, m in placed if p.get("name")]
    chosen = next((pm for pm in written if pm[0].get("main")), written[0] if written else None)
    if chosen is None:
        return "", ""
    return chosen[0]["name"], str((chosen[1].get("image/png") or {}).get("alt", ""))


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
        write_if_changed(target, content)
        written.append(target)
    return written
