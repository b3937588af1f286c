"""Namespaces and the EU controlled vocabularies the node offers as choices.

The concept lists are a curated subset of the Publications Office authority tables
(``http://publications.europa.eu/resource/authority/...``) and of the ADMS vocabularies: the entries
a provider picks from on a form. Their English labels let the writer describe each concept it uses
(``skos:prefLabel``, ``skos:inScheme``), which the DCAT-AP shapes demand of every ``skos:Concept``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final


class Namespace:
    """An IRI prefix; ``DCT.title`` and ``DCT["title"]`` give the full IRI as a plain ``str``."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.iri + name
        setattr(self, name, term)  # later look-ups are plain attribute reads
        return term

    def __getitem__(self, name: str) -> str:
        return self.iri + name

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


ADMS: Final = Namespace("http://www.w3.org/ns/adms#")
AS: Final = Namespace("https://www.w3.org/ns/activitystreams#")
DCAT: Final = Namespace("http://www.w3.org/ns/dcat#")
DCATAP: Final = Namespace("http://data.europa.eu/r5r/")
DCT: Final = Namespace("http://purl.org/dc/terms/")
ELI: Final = Namespace("http://data.europa.eu/eli/ontology#")
FOAF: Final = Namespace("http://xmlns.com/foaf/0.1/")
HYDRA: Final = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN: Final = Namespace("http://www.w3.org/ns/locn#")
PROV: Final = Namespace("http://www.w3.org/ns/prov#")
RDF: Final = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS: Final = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS: Final = Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX: Final = Namespace("http://spdx.org/rdf/terms#")
TIME: Final = Namespace("http://www.w3.org/2006/time#")
VCARD: Final = Namespace("http://www.w3.org/2006/vcard/ns#")
XSD: Final = Namespace("http://www.w3.org/2001/XMLSchema#")

#: Prefixes written at the top of Turtle, RDF/XML and the JSON-LD ``@context``.
PREFIXES: Final[Mapping[str, str]] = {
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "xsd": XSD.iri,
    "dcat": DCAT.iri,
    "dct": DCT.iri,
    "dcatap": DCATAP.iri,
    "foaf": FOAF.iri,
    "vcard": VCARD.iri,
    "adms": ADMS.iri,
    "spdx": SPDX.iri,
    "skos": SKOS.iri,
    "prov": PROV.iri,
    "eli": ELI.iri,
    "hydra": HYDRA.iri,
    "as": AS.iri,
    "gsp": "http://www.opengis.net/ont/geosparql#",
}

AUTHORITY: Final = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES: Final = "http://www.iana.org/assignments/media-types/"


@dataclass(frozen=True, slots=True)
class Concept:
    """An entry of a controlled vocabulary: its IRI, short code, English label and concept scheme."""

    iri: str
    code: str
    label: str
    scheme: str


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence of the EU licence table with its ADMS licence types (e.g. Attribution)."""

    iri: str
    code: str
    label: str
    types: tuple[str, ...]


def _concepts(scheme: str, base: str, entries: Iterable[tuple[str, str]]) -> dict[str, Concept]:
    return {code: Concept(base + code, code, label, scheme) for code, label in entries}


def _authority(table: str, entries: Iterable[tuple[str, str]]) -> dict[str, Concept]:
    return _concepts(AUTHORITY + table, AUTHORITY + table + "/", entries)


#: Concept schemes and their titles (a ``skos:ConceptScheme`` needs a ``dct:title``).
SCHEMES: Final[Mapping[str, str]] = {
    AUTHORITY + "data-theme": "Data theme",
    AUTHORITY + "file-type": "File type",
    AUTHORITY + "frequency": "Frequency",
    AUTHORITY + "access-right": "Access right",
    AUTHORITY + "language": "Language",
    AUTHORITY + "licence": "Licence",
    AUTHORITY + "country": "Country",
    AUTHORITY + "planned-availability": "Planned availability",
    "http://purl.org/adms/publishertype/1.0": "Publisher type",
    "http://purl.org/adms/licencetype/1.0": "Licence type",
}

# The thirteen themes of the EU data-theme table (the table's fourteenth, OP_DATPRO, means
# "provisional data" and is not offered as a choice).
DATA_THEMES: Final = _authority(
    "data-theme",
    [
        ("AGRI", "Agriculture, fisheries, forestry and food"),
        ("ECON", "Economy and finance"),
        ("EDUC", "Education, culture and sport"),
        ("ENER", "Energy"),
        ("ENVI", "Environment"),
        ("GOVE", "Government and public sector"),
        ("HEAL", "Health"),
        ("INTR", "International issues"),
        ("JUST", "Justice, legal system and public safety"),
        ("REGI", "Regions and cities"),
        ("SOCI", "Population and society"),
        ("TECH", "Science and technology"),
        ("TRAN", "Transport"),
    ],
)

#: File types with the IANA media type a distribution of that type usually has.
FILE_TYPE_MEDIA_TYPES: Final[Mapping[str, str]] = {
    "CSV": "text/csv",
    "TSV": "text/tab-separated-values",
    "JSON": "application/json",
    "JSON_LD": "application/ld+json",
    "GEOJSON": "application/geo+json",
    "XML": "application/xml",
    "RDF_XML": "application/rdf+xml",
    "RDF_TURTLE": "text/turtle",
    "RDF_N_TRIPLES": "application/n-triples",
    "PARQUET": "application/vnd.apache.parquet",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLS": "application/vnd.ms-excel",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "PDF": "application/pdf",
    "HTML": "text/html",
    "TXT": "text/plain",
    "ZIP": "application/zip",
    "GML": "application/gml+xml",
}
FILE_TYPES: Final = _authority(
    "file-type", [(code, code.replace("_", " ")) for code in FILE_TYPE_MEDIA_TYPES]
)

FREQUENCIES: Final = _authority(
    "frequency",
    [
        ("CONT", "continuous"),
        ("UPDATE_CONT", "continuously updated"),
        ("HOURLY", "hourly"),
        ("DAILY", "daily"),
        ("WEEKLY", "weekly"),
        ("MONTHLY", "monthly"),
        ("QUARTERLY", "quarterly"),
        ("ANNUAL_2", "semiannual"),
        ("ANNUAL", "annual"),
        ("BIENNIAL", "biennial"),
        ("TRIENNIAL", "triennial"),
        ("IRREG", "irregular"),
        ("NEVER", "never"),
        ("UNKNOWN", "unknown"),
    ],
)

ACCESS_RIGHTS: Final = _authority(
    "access-right", [("PUBLIC", "public"), ("RESTRICTED", "restricted"), ("NON_PUBLIC", "non-public")]
)

#: EU language codes with the ISO 639-1 code a language tag uses.
LANGUAGE_TAGS: Final[Mapping[str, str]] = {
    "ENG": "en",
    "ZHO": "zh",
    "DEU": "de",
    "FRA": "fr",
    "SPA": "es",
    "ITA": "it",
    "NLD": "nl",
    "POR": "pt",
    "POL": "pl",
    "SWE": "sv",
    "ELL": "el",
    "JPN": "ja",
    "KOR": "ko",
    "RUS": "ru",
    "ARA": "ar",
}
_LANGUAGE_NAMES = (
    "English Chinese German French Spanish Italian Dutch Portuguese Polish Swedish Greek Japanese Korean "
    "Russian Arabic"
).split()
LANGUAGES: Final = _authority("language", zip(LANGUAGE_TAGS, _LANGUAGE_NAMES, strict=True))

COUNTRIES: Final = _authority(
    "country",
    [
        ("CHN", "China"),
        ("DEU", "Germany"),
        ("FRA", "France"),
        ("ESP", "Spain"),
        ("ITA", "Italy"),
        ("NLD", "Netherlands"),
        ("GRC", "Greece"),
        ("SWE", "Sweden"),
        ("GBR", "United Kingdom"),
        ("USA", "United States"),
        ("JPN", "Japan"),
    ],
)

GSP: Final = Namespace("http://www.opengis.net/ont/geosparql#")

#: Approximate bounding boxes (west, south, east, north, in degrees) of the countries above, so a
#: place named by its authority IRI can carry the centroid and bbox DCAT-AP recommends.
_COUNTRY_BOXES: Final[Mapping[str, tuple[float, float, float, float]]] = {
    "CHN": (73.5, 18.2, 134.8, 53.6),
    "DEU": (5.9, 47.3, 15.0, 55.1),
    "FRA": (-5.1, 41.3, 9.6, 51.1),
    "ESP": (-9.3, 36.0, 3.3, 43.8),
    "ITA": (6.6, 35.5, 18.5, 47.1),
    "NLD": (3.4, 50.8, 7.2, 53.5),
    "GRC": (19.4, 34.8, 28.2, 41.7),
    "SWE": (11.1, 55.3, 24.2, 69.1),
    "GBR": (-8.6, 49.9, 1.8, 60.9),
    "USA": (-124.8, 24.5, -66.9, 49.4),
    "JPN": (129.4, 31.0, 145.5, 45.5),
}


@dataclass(frozen=True, slots=True)
class Geometry:
    """A place's centroid and bounding box as WKT literals (``gsp:wktLiteral``)."""

    centroid: str
    bbox: str


def _geometry(box: tuple[float, float, float, float]) -> Geometry:
    west, south, east, north = box
    ring = f"{west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}"
    return Geometry(f"POINT({(west + east) / 2:.2f} {(south + north) / 2:.2f})", f"POLYGON(({ring}))")


PLACE_GEOMETRY: Final[Mapping[str, Geometry]] = {
    COUNTRIES[code].iri: _geometry(box) for code, box in _COUNTRY_BOXES.items() if code in COUNTRIES
}

AVAILABILITY: Final = _authority(
    "planned-availability",
    [
        ("AVAILABLE", "available"),
        ("EXPERIMENTAL", "experimental"),
        ("STABLE", "stable"),
        ("TEMPORARY", "temporary"),
    ],
)

PUBLISHER_TYPES: Final = _concepts(
    "http://purl.org/adms/publishertype/1.0",
    "http://purl.org/adms/publishertype/",
    [
        ("Academia-ScientificOrganisation", "Academia/Scientific organisation"),
        ("Company", "Company"),
        ("IndustryConsortium", "Industry consortium"),
        ("LocalAuthority", "Local authority"),
        ("NationalAuthority", "National authority"),
        ("NonGovernmentalOrganisation", "Non-governmental organisation"),
        ("NonProfitOrganisation", "Non-profit organisation"),
        ("RegionalAuthority", "Regional authority"),
        ("StandardisationBody", "Standardisation body"),
        ("SupraNationalAuthority", "Supra-national authority"),
    ],
)

LICENCE_TYPES: Final = _concepts(
    "http://purl.org/adms/licencetype/1.0",
    "http://purl.org/adms/licencetype/",
    [
        ("Attribution", "Attribution"),
        ("PublicDomain", "Public domain"),
        ("ViralEffect-ShareAlike", "Share-alike"),
    ],
)


def _licence(code: str, label: str, *types: str) -> Licence:
    return Licence(AUTHORITY + "licence/" + code, code, label, tuple(LICENCE_TYPES[t].iri for t in types))


LICENCES: Final[Mapping[str, Licence]] = {
    licence.code: licence
    for licence in (
        _licence("CC_BY_4_0", "Creative Commons Attribution 4.0 International", "Attribution"),
        _licence(
            "CC_BYSA_4_0",
            "Creative Commons Attribution-ShareAlike 4.0 International",
            "Attribution",
            "ViralEffect-ShareAlike",
        ),
        _licence("CC0", "Creative Commons CC0 1.0 Universal", "PublicDomain"),
        _licence("ODC_BY", "Open Data Commons Attribution License v1.0", "Attribution"),
        _licence(
            "ODC_ODBL",
            "Open Data Commons Open Database License v1.0",
            "Attribution",
            "ViralEffect-ShareAlike",
        ),
        _licence("ODC_PDDL", "Open Data Commons Public Domain Dedication and License v1.0", "PublicDomain"),
    )
}

#: Every concept above by IRI, so a writer can describe the concepts a record refers to.
CONCEPTS: Final[Mapping[str, Concept]] = {
    concept.iri: concept
    for table in (
        DATA_THEMES,
        FILE_TYPES,
        FREQUENCIES,
        ACCESS_RIGHTS,
        LANGUAGES,
        COUNTRIES,
        AVAILABILITY,
        PUBLISHER_TYPES,
        LICENCE_TYPES,
    )
    for concept in table.values()
}
LICENCES_BY_IRI: Final[Mapping[str, Licence]] = {licence.iri: licence for licence in LICENCES.values()}

#: The SPDX IRI of a checksum algorithm name (``sha256`` -> ``spdx:checksumAlgorithm_sha256``).
CHECKSUM_ALGORITHM_PREFIX: Final = SPDX.checksumAlgorithm_


def media_type_iri(media_type: str) -> str:
    """Return the IANA registry IRI of a media type such as ``text/csv``."""
    return IANA_MEDIA_TYPES + media_type
