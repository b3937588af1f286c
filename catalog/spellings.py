"""How other catalogs spell formats, media types, languages, access rights, sizes and checksums.

Harvested records say ``"CSV"`` or ``<http://www.iana.org/assignments/media-types/text/csv>`` where
we keep an EU file-type IRI and ``text/csv``; ``"en"`` where we keep the EU language IRI; a byte size
as ``"1234.0"^^xsd:decimal``. These functions map such spellings to the values the records hold, or
return None when a spelling is not understood (the reader then reports it).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from catalog import vocab

FILE_TYPE_CODES: Final = {code.lower(): c.iri for code, c in vocab.FILE_TYPES.items()}
FILE_TYPE_BY_MEDIA: Final = {
    media: vocab.FILE_TYPES[code].iri for code, media in vocab.FILE_TYPE_MEDIA_TYPES.items()
}
LANGUAGE_CODES: Final = {
    **{tag: vocab.LANGUAGES[code].iri for code, tag in vocab.LANGUAGE_TAGS.items()},
    **{code.lower(): c.iri for code, c in vocab.LANGUAGES.items()},
}
ACCESS_RIGHTS_CODES: Final = {code.lower(): c.iri for code, c in vocab.ACCESS_RIGHTS.items()}
_MEDIA_TYPE: Final = re.compile(r"[A-Za-z0-9][\w!#$&^.+\-]*/[A-Za-z0-9][\w!#$&^.+\-]*")
_IANA_PREFIXES: Final = ("://www.iana.org/assignments/media-types/", "://iana.org/assignments/media-types/")


def media_type(text: str) -> str | None:
    """``text/csv`` from ``text/csv`` or from its IANA registry IRI (http or https); else None."""
    text = text.strip()
    for prefix in _IANA_PREFIXES:
        at = text.find(prefix)
        if at != -1:
            text = text[at + len(prefix) :]
            break
    return text.lower() if _MEDIA_TYPE.fullmatch(text) else None


def file_format(text: str, is_iri: bool) -> tuple[str | None, str | None] | None:
    """The (file-type IRI, media type) a ``dct:format`` value stands for, or None if not understood.

    An IRI that is not a media type is kept as the file type; a code such as ``CSV`` maps to the EU
    file type; a media type maps to the usual file type of that media type, if there is one.
    """
    media = media_type(text)
    if is_iri and media is None:
        return text, None
    if text.lower() in FILE_TYPE_CODES:
        return FILE_TYPE_CODES[text.lower()], None
    if media is not None:
        return FILE_TYPE_BY_MEDIA.get(media), media
    return None


def whole_number(text: str) -> int | None:
    """Read ``"1234"`` or a whole decimal such as ``"1234.0"`` (CKAN writes sizes as xsd:decimal)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if number.is_finite() and number >= 0 and number == number.to_integral_value():
        return int(number)
    return None


def checksum_algorithm(text: str) -> str:
    """The SPDX algorithm name of ``spdx:checksumAlgorithm_sha256`` or DCAT-AP.de's ``.../sha/256``."""
    tail = text.rsplit("checksumAlgorithm_", 1)[-1].rsplit("hashalgorithms/", 1)[-1]
    return re.sub(r"[^a-z0-9]", "", tail.lower())
