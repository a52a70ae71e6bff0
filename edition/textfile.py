"""Reading a UTF-8 text file that may be anything: every way it can fail is one line naming the file.

A missing file, a directory, a FIFO (whose reading would wait for a writer forever), a file without
read permission, one over its size limit, binary data and text in another encoding are refused before
any parser sees the bytes. For text in an 8-bit encoding the refusal names the byte, its line and
column, and the encoding the file is probably in, so that the editor knows what to convert from.
"""

from __future__ import annotations

import stat
from pathlib import Path

from edition.errors import EditionError, Location
from edition.limits import current, refusal

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Bytes that are Ğ ğ İ ı Ş ş in the Turkish 8-bit encodings (ISO-8859-9, Windows-1254) and rare
# Icelandic letters in the Western ones.
TURKISH_BYTES = frozenset(b"\xd0\xf0\xdd\xfd\xde\xfe")
# Every byte but the control codes no text file holds (tab, newline, form feed and return are text).
NOT_CONTROL = bytes(b for b in range(256) if (b >= 32 and b != 0x7F) or b in b"\t\n\x0c\r")
ASCII = bytes(range(128))


def read_text(path: Path, limit: str, rule: str = "file-read") -> str:
    """The text of ``path``, decoded as UTF-8 (a UTF-8 byte-order mark dropped); ``limit`` names the
    field of ``edition.limits.Limits`` that bounds its size in bytes."""
    path = Path(path)
    data = _read_bytes(path, limit, rule)
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    if data.startswith(UTF16_BOMS):
        raise EditionError("the file is UTF-16 text (it starts with a UTF-16 byte-order mark); "
                           "save it as UTF-8", Location(path), rule)
    if b"\0" in data:
        raise _binary(path, data, data.index(b"\0"), rule)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, data, exc, rule) from None


def _read_bytes(path: Path, limit: str, rule: str) -> bytes:
    """The file's bytes; checked to be a regular file within the size limit before it is opened."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise EditionError("no such file", Location(path), rule) from None
    except OSError as exc:
        raise EditionError(f"cannot read it: {_reason(exc)}", Location(path), rule) from None
    if stat.S_ISDIR(info.st_mode):
        raise EditionError("is a directory, not a file", Location(path), rule)
    if not stat.S_ISREG(info.st_mode):
        raise EditionError("is not a regular file (a FIFO, socket or device); give a file",
                           Location(path), rule)
    maximum = getattr(current(), limit)
    if info.st_size > maximum:
        raise EditionError(refusal(limit, f"the file has {info.st_size:,} bytes"), Location(path), rule)
    try:
        with open(path, "rb") as stream:
            data = stream.read(maximum + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise EditionError(f"cannot read it: {_reason(exc)}", Location(path), rule) from None
    if len(data) > maximum:
        raise EditionError(refusal(limit, f"the file has more than {maximum:,} bytes"), Location(path), rule)
    return data


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied (the file is not readable by this user)"
    return (exc.strerror or str(exc)).lower()


def location_of(path: Path, data: bytes, offset: int) -> Location:
    """The line and column (in characters) of byte ``offset``; the bytes before it are UTF-8."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return Location(path, data.count(b"\n", 0, offset) + 1, column)


def _binary(path: Path, data: bytes, offset: int, rule: str) -> EditionError:
    if _looks_utf16(data):
        return EditionError("the file is probably UTF-16 text (every other byte is 0); save it as UTF-8",
                            Location(path), rule)
    return EditionError(f"binary data, not a text file (byte 0x{data[offset]:02X}); give a UTF-8 text file",
                        location_of(path, data, offset), rule)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    half = len(sample) // 2
    return half > 0 and max(sample[0::2].count(0), sample[1::2].count(0)) > 0.9 * half


def _not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError, rule: str) -> EditionError:
    where = location_of(path, data, exc.start)
    byte = data[exc.start]
    sample = data[:65536]
    if len(sample.translate(None, NOT_CONTROL)) > len(sample) // 100:
        return EditionError(f"binary data, not a text file (byte 0x{byte:02X} is not UTF-8); give a UTF-8 "
                            "text file", where, rule)
    if not data[:exc.start].isascii():
        return EditionError(f"byte 0x{byte:02X} is not UTF-8 ({exc.reason}), though the text before it is: "
                            "retype the character here or save the file as UTF-8 again", where, rule)
    encoding, name = probable_encoding(data)
    reads = data[exc.start:exc.start + 1].decode(encoding, errors="replace")
    return EditionError(f"not UTF-8: byte 0x{byte:02X} ({exc.reason}); the file is probably {name}, "
                        f"where it is '{reads}'; save it as UTF-8", where, rule)


def probable_encoding(data: bytes) -> tuple[str, str]:
    """The 8-bit encoding ``data`` is most likely in (Python's codec name, a name for people).

    Windows code pages put letters in 0x80-0x9F, where the ISO ones have control codes; the bytes of
    Ğ ğ İ ı Ş ş tell the Turkish encodings from the Western ones (whose letters there are Icelandic).
    """
    high = set(data.translate(None, ASCII))
    turkish = bool(high & TURKISH_BYTES)
    if any(0x80 <= b <= 0x9F for b in high):
        return ("cp1254", "Windows-1254 (Turkish)") if turkish else ("cp1252", "Windows-1252 (Western)")
    return ("iso8859_9", "ISO-8859-9 (Latin-5, Turkish)") if turkish else ("latin_1", "ISO-8859-1 (Latin-1)")

