"""Any text a record can hold comes back unchanged from every format, through both parsers."""

from __future__ import annotations

import dataclasses

import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.parse import parse_catalog
from catalog.records import LangText
from catalog.serialize import Format, serialize_dataset
from catalog.vocab import DCAT, DCT

from .conftest import minimal_dataset

# Everything but what XML 1.0 cannot carry (which the records refuse): controls other than tab,
# newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
XML_CHARACTERS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters=[chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"],
)
# A text of only white space reads as missing, as an empty title would.
TEXT = st.text(XML_CHARACTERS, min_size=1, max_size=40).filter(str.strip)
LANG_TEXT = st.builds(LangText, TEXT, st.sampled_from([None, "en", "zh", "zh-hans", "de-ch"]))
RDFLIB_FORMATS = {
    Format.TURTLE: "turtle",
    Format.NTRIPLES: "nt",
    Format.RDFXML: "xml",
    Format.JSONLD: "json-ld",
}


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=st.lists(LANG_TEXT, min_size=1, max_size=3), keywords=st.lists(LANG_TEXT, max_size=4), version=TEXT
)
def test_unicode_text_round_trips_through_every_format(
    titles: list[LangText], keywords: list[LangText], version: str
) -> None:
    record = dataclasses.replace(
        minimal_dataset(), titles=tuple(titles), keywords=tuple(keywords), version=version
    )
    for fmt in Format:
        data = serialize_dataset(record, fmt)
        read = parse_catalog(data, fmt.media_type).datasets[0].record
        assert set(read.titles) == set(titles), fmt
        assert set(read.keywords) == set(keywords), fmt
        assert read.version == version.strip(), fmt

        graph = rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])
        subject = rdflib.URIRef(record.iri)
        seen = {
            LangText(str(lit), lit.language.lower() if lit.language else None)
            for lit in graph.objects(subject, rdflib.URIRef(DCT.title))
        }
        assert seen == set(titles), fmt
        assert {str(k) for k in graph.objects(subject, rdflib.URIRef(DCAT.keyword))} == {
            k.text for k in keywords
        }, fmt
