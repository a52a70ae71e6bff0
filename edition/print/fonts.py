"""Each font face embedded once in the book: the parts' subsets merged at assembly.

The parts are laid out separately, so each part's PDF embeds its own subset of every face it uses
(the bundled volume: 58 font objects for 6 faces). WeasyPrint embeds a face as a Type0 font with the
``Identity-H`` encoding, subset with the glyph ids kept (HarfBuzz's ``RETAIN_GIDS``): a glyph has the
same id in every part, and a text's codes are those ids. The subsets of one face (one ``BaseFont``:
WeasyPrint names a face by a hash of its description) are therefore merged glyph by glyph into one
program, their widths (``/W``) and text maps (``/ToUnicode``) united, and every page's resources
pointed to the one font left. No content stream changes, so no glyph or character can be lost.

A face is left as the parts embedded it where merging could change what is printed or read: another
encoding than ``Identity-H`` (WeasyPrint's map for glyphs the font lacks), a ``CIDSet``, a program that
is neither CFF nor TrueType outlines, subsets whose hinting data differ, or two parts giving one glyph
different widths or different text.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass

from fontTools.ttLib import TTFont

from edition.processes import signals_held

with signals_held():  # a Ctrl-C while pikepdf initialises aborts the process (see assemble.py)
    import pikepdf
    from pikepdf import Array, Dictionary, Name

PROGRAM_KEYS = ("/FontFile2", "/FontFile3")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_HEX_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_HEX_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
CMAP_BATCH = 100  # entries per bfchar block (the PDF reference's limit)


@dataclass
class _Face:
    """What one embedded subset of a face holds."""

    widths: dict[int, float]
    text: dict[int, str]
    program: bytes


def share_fonts(pdf: pikepdf.Pdf) -> int:
    """Merge the subsets of each face in ``pdf`` into one font; return the font dictionaries left out."""
    holders = _font_resources(pdf)
    faces: dict[str, dict[tuple[int, int], pikepdf.Dictionary]] = defaultdict(dict)
    for fonts in holders:
        for font in fonts.values():
            if font.is_indirect and _is_identity_font(font):
                faces[str(font.BaseFont)][font.objgen] = font
    replaced: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for found in faces.values():
        fonts = list(found.values())
        if len(fonts) > 1:
            kept = _merge(pdf, fonts)
            if kept is not None:
                replaced.update({font.objgen: kept for font in fonts if font.objgen != kept.objgen})
    for fonts in holders:
        for name in list(fonts.keys()):
            font = fonts[name]
            if font.is_indirect and font.objgen in replaced:
                fonts[name] = replaced[font.objgen]
    return len(replaced)


def _font_resources(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every ``/Font`` resource dictionary of the pages, of the forms they draw (at any depth) and of
    their annotations' appearances."""
    found: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()

    def visit(resources) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary) and not (fonts.is_indirect and fonts.objgen in seen):
            if fonts.is_indirect:
                seen.add(fonts.objgen)
            found.append(fonts)
        for xobject in (resources.get("/XObject") or Dictionary()).values():
            form(xobject)

    def form(xobject) -> None:
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form:
            if xobject.objgen in seen:
                return
            seen.add(xobject.objgen)
            visit(xobject.get("/Resources"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots", Array()):
            for appearance in (annotation.get("/AP") or Dictionary()).values():
                states = appearance.values() if isinstance(appearance, pikepdf.Dictionary) and not \
                    isinstance(appearance, pikepdf.Stream) else [appearance]
                for state in states:
                    form(state)
    return found


def _is_identity_font(obj: pikepdf.Object) -> bool:
    if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != Name.Font:
        return False
    if obj.get("/Subtype") != Name.Type0 or obj.get("/Encoding") != Name("/Identity-H"):
        return False
    descendants = obj.get("/DescendantFonts")
    if not isinstance(descendants, Array) or len(descendants) != 1 or "/ToUnicode" not in obj:
        return False
    cid_font = descendants[0]
    descriptor = cid_font.get("/FontDescriptor")
    return (cid_font.get("/CIDToGIDMap", Name.Identity) == Name.Identity and descriptor is not None
            and "/CIDSet" not in descriptor and sum(key in descriptor for key in PROGRAM_KEYS) == 1)


def _program_key(font: pikepdf.Dictionary) -> str:
    descriptor = font.DescendantFonts[0].FontDescriptor
    return next(key for key in PROGRAM_KEYS if key in descriptor)


def _merge(pdf: pikepdf.Pdf, fonts: list[pikepdf.Dictionary]) -> pikepdf.Dictionary | None:
    """One font for ``fonts`` (the first, rewritten), or None where they cannot be merged."""
    subsets = [_read(font) for font in fonts]
    widths = _united([subset.widths for subset in subsets])
    text = _united([subset.text for subset in subsets])
    if widths is None or text is None or len({_program_key(font) for font in fonts}) != 1:
        return None
    program = merged_program([subset.program for subset in subsets])
    if program is None:
        return None
    kept = fonts[0]
    cid_font = kept.DescendantFonts[0]
    descriptor = cid_font.FontDescriptor
    key = _program_key(kept)
    old = descriptor[key]
    extra = {"/Subtype": old.Subtype} if "/Subtype" in old else {"/Length1": len(program)}
    descriptor[key] = pdf.make_stream(program, **{name[1:]: value for name, value in extra.items()})
    boxes = [font.DescendantFonts[0].FontDescriptor.FontBBox for font in fonts]
    descriptor.FontBBox = Array([min(float(box[0]) for box in boxes), min(float(box[1]) for box in boxes),
                                 max(float(box[2]) for box in boxes), max(float(box[3]) for box in boxes)])
    cid_font.W = _width_array(widths)
    kept.ToUnicode = pdf.make_stream(to_unicode_cmap(text))
    return kept


def _read(font: pikepdf.Dictionary) -> _Face:
    cid_font = font.DescendantFonts[0]
    program = cid_font.FontDescriptor[_program_key(font)].read_bytes()
    return _Face(parse_widths(cid_font.get("/W", Array())), parse_to_unicode(font.ToUnicode.read_bytes()),
                 program)


def _united(maps: list[dict]) -> dict | None:
    """The union of ``maps``; None where two give one key different values."""
    union: dict = {}
    for mapping in maps:
        for key, value in mapping.items():
            if union.setdefault(key, value) != value:
                return None
    return union


def parse_widths(array: pikepdf.Array) -> dict[int, float]:
    """A CIDFont's ``/W`` array as glyph id -> width (both forms: ``c [w1 w2 …]`` and ``c1 c2 w``)."""
    items = list(array)
    widths: dict[int, float] = {}
    index = 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], Array):
            for offset, width in enumerate(items[index + 1]):
                widths[first + offset] = float(width)
            index += 2
        else:
            for cid in range(first, int(items[index + 1]) + 1):
                widths[cid] = float(items[index + 2])
            index += 3
    return widths


def _width_array(widths: dict[int, float]) -> pikepdf.Array:
    """``/W`` for ``widths``: a run of consecutive ids as ``c [w1 w2 …]``."""
    array: list = []
    for cid in sorted(widths):
        if cid - 1 not in widths:
            array += [cid, []]
        array[-1].append(_number(widths[cid]))
    return Array([Array(item) if isinstance(item, list) else item for item in array])


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


def parse_to_unicode(cmap: bytes) -> dict[int, str]:
    """A ``/ToUnicode`` CMap's glyph id -> text (``bfchar`` entries and ``bfrange`` runs)."""
    text: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        for code, unicode in _HEX_PAIR.findall(block):
            text[int(code, 16)] = bytes.fromhex(unicode.decode()).decode("utf-16-be")
    for block in _BFRANGE.findall(cmap):
        for start, end, unicode in _HEX_RANGE.findall(block):
            first = bytes.fromhex(unicode.decode()).decode("utf-16-be")
            for offset in range(int(end, 16) - int(start, 16) + 1):
                text[int(start, 16) + offset] = first[:-1] + chr(ord(first[-1]) + offset)
    return text


def to_unicode_cmap(text: dict[int, str]) -> bytes:
    """A ``/ToUnicode`` CMap for glyph id -> text, as WeasyPrint writes them."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(text.items())
    for start in range(0, len(items), CMAP_BATCH):
        batch = items[start:start + CMAP_BATCH]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{glyph:04x}> <{value.encode('utf-16-be').hex()}>".encode() for glyph, value in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def merged_program(programs: list[bytes]) -> bytes | None:
    """One font program holding every glyph of ``programs``, subsets of one font with their glyph ids
    kept (a glyph a subset does not use is an empty outline there): each glyph taken from the subset
    whose outline of it is longest. None for programs that cannot be merged so."""
    # Bounding boxes as the subsets have them (the outlines do not change), the timestamp kept: the
    # same book gives the same bytes.
    fonts = [TTFont(io.BytesIO(program), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
             for program in programs]
    base = max(fonts, key=lambda font: font["maxp"].numGlyphs)
    if all("CFF " in font for font in fonts):
        merged = _merge_cff(base, fonts)
    elif all("glyf" in font for font in fonts):
        merged = _merge_glyf(base, fonts)
    else:
        return None
    if not merged:
        return None
    out = io.BytesIO()
    base.save(out, reorderTables=False)
    return out.getvalue()


def _merge_cff(base: TTFont, fonts: list[TTFont]) -> bool:
    tops = [font["CFF "].cff.topDictIndex[0] for font in fonts]
    if any(hasattr(top, "FDArray") for top in tops) or len({_private(top) for top in tops}) != 1:
        return False  # CID-keyed, or hinting data that differ: a charstring means the same only with both
    target = base["CFF "].cff.topDictIndex[0].CharStrings.charStringsIndex
    sources = [top.CharStrings.charStringsIndex for top in tops]
    for gid in range(len(target)):
        length, best = max(((_length(index, gid), index) for index in sources if gid < len(index)),
                           key=lambda item: item[0])
        if best is not target and length > _length(target, gid):
            target.items[gid] = best[gid]
    return True


def _length(index, gid: int) -> int:
    """The length of a charstring in a CFF index, read from its offsets where it was not decoded."""
    offsets = getattr(index, "offsets", None)
    if offsets is not None and index.items[gid] is None:
        return offsets[gid + 1] - offsets[gid]
    charstring = index[gid]
    if charstring.bytecode is None:
        charstring.compile()
    return len(charstring.bytecode)


def _private(top) -> tuple:
    private = top.Private
    return tuple(sorted((key, repr(getattr(private, key, None)))
                        for key in private.rawDict if key != "Subrs"))


def _merge_glyf(base: TTFont, fonts: list[TTFont]) -> bool:
    order = base.getGlyphOrder()
    tables = [font["glyf"] for font in fonts]
    target = base["glyf"]
    for gid, name in enumerate(order):
        candidates = [(table, font.getGlyphOrder()[gid]) for table, font in zip(tables, fonts, strict=True)
                      if gid < len(font.getGlyphOrder())]
        table, source_name = max(candidates, key=lambda item: _glyph_length(*item))
        if table is not target:
            target[name] = table[source_name]
    return True


def _glyph_length(table, name: str) -> int:
    glyph = table[name]
    return len(glyph.data) if hasattr(glyph, "data") else glyph.numberOfContours
