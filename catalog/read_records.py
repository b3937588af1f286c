"""Read harvested RDF into records, keeping what can be kept and saying what could not.

A dataset without a title or a description (mandatory in DCAT-AP) is refused with the list of what
it lacks; nothing is filled in. Everything else that is unusable (a literal where an IRI belongs,
an e-mail address with spaces, a distribution without any URL) is dropped from the record and
reported as an issue, so the harvester keeps the dataset and can show its quality. A few common
spellings are understood rather than dropped: a format or a language given as a code (``"CSV"``,
``"en"``), access rights given as ``"PUBLIC"``, an IANA media type given as text, DCAT-AP 2's
``owl:versionInfo``, and ``schema:startDate``/``endDate`` in periods of time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

import pyoxigraph as ox

from catalog import spellings, vocab
from catalog.graph_index import GraphIndex, Subject, as_instant, as_iri, term_label
from catalog.records import (
    Agent,
    Checksum,
    ContactPoint,
    DataServiceRecord,
    DatasetRecord,
    DistributionRecord,
    LangText,
    PeriodOfTime,
)
from catalog.vocab import DCAT, DCATAP, DCT, FOAF, PROV, RDF, RDFS, SPDX, TIME, VCARD

_T = TypeVar("_T")
_OWL_VERSION = "http://www.w3.org/2002/07/owl#versionInfo"
_SCHEMA = vocab.Namespace("http://schema.org/")


class RecordReader:
    """Builds DatasetRecords from a GraphIndex; each call collects issues in the list it is given."""

    def __init__(self, index: GraphIndex) -> None:
        self.index = index

    def dataset(self, subject: Subject, iri: str, issues: list[str]) -> DatasetRecord | list[str]:
        """Return the dataset's record, or the list of reasons it cannot be read."""
        ix = self.index
        titles, descriptions = ix.texts(subject, DCT.title), ix.texts(subject, DCT.description)
        missing = [
            f"{name} is missing"
            for name, v in (("dct:title", titles), ("dct:description", descriptions))
            if not v
        ]
        if missing:
            return missing
        publishers = ix.values(subject, DCT.publisher)
        if len(publishers) > 1:
            issues.append(f"dct:publisher: {len(publishers)} values, kept the first")
        version = ix.first_text(subject, DCAT.version) or ix.first_text(subject, _OWL_VERSION)
        try:
            return DatasetRecord(
                iri=iri,
                titles=titles,
                descriptions=descriptions,
                identifier=ix.first_text(subject, DCT.identifier),
                keywords=ix.texts(subject, DCAT.keyword),
                themes=ix.iris(subject, DCAT.theme, issues, "dcat:theme"),
                publisher=self._agent(publishers[0], issues) if publishers else None,
                contact_points=self._many(subject, DCAT.contactPoint, self._contact, issues),
                licence=ix.first_iri(subject, DCT.license, issues, "dct:license"),
                access_rights=self._one(
                    self._coded(subject, DCT.accessRights, spellings.ACCESS_RIGHTS_CODES, issues)
                ),
                spatial=ix.iris(subject, DCT.spatial, issues, "dct:spatial"),
                temporal=self._many(subject, DCT.temporal, self._period, issues),
                frequency=ix.first_iri(subject, DCT.accrualPeriodicity, issues, "dct:accrualPeriodicity"),
                issued=ix.instant(subject, DCT.issued, issues, "dct:issued"),
                modified=ix.instant(subject, DCT.modified, issues, "dct:modified"),
                conforms_to=ix.iris(subject, DCT.conformsTo, issues, "dct:conformsTo"),
                version=version,
                landing_page=ix.first_iri(subject, DCAT.landingPage, issues, "dcat:landingPage"),
                languages=self._coded(subject, DCT.language, spellings.LANGUAGE_CODES, issues),
                distributions=self._many(subject, DCAT.distribution, self._distribution, issues),
                applicable_legislation=ix.iris(
                    subject, DCATAP.applicableLegislation, issues, "applicableLegislation"
                ),
                was_generated_by=ix.first_iri(subject, PROV.wasGeneratedBy, issues, "prov:wasGeneratedBy"),
                provenance=self._provenance(subject),
                source=ix.first_iri(subject, PROV.wasDerivedFrom, issues, "prov:wasDerivedFrom"),
            )
        except ValueError as error:
            return [str(error)]

    # -- parts --------------------------------------------------------------------------------

    def _many(
        self,
        subject: Subject,
        predicate: str,
        read: Callable[[ox.NamedNode | ox.BlankNode, list[str]], _T | None],
        issues: list[str],
    ) -> tuple[_T, ...]:
        found = []
        for value in self.index.values(subject, predicate):
            if isinstance(value, ox.Literal):
                issues.append(f"{predicate.rsplit('/', 1)[-1]}: the literal {term_label(value)} was not kept")
                continue
            item = read(value, issues)
            if item is not None:
                found.append(item)
        return tuple(found)

    def _agent(self, node: ox.NamedNode | ox.BlankNode | ox.Literal, issues: list[str]) -> Agent | None:
        if isinstance(node, ox.Literal):
            issues.append(f"dct:publisher: the literal {term_label(node)} was not kept")
            return None
        names = self.index.texts(node, FOAF.name)
        if not names:
            issues.append(f"dct:publisher {term_label(node)} has no foaf:name")
        iri = node.value if isinstance(node, ox.NamedNode) else None
        kind = self.index.first_iri(node, DCT.type, issues, "publisher dct:type")
        return _attempt(lambda: Agent(iri, names, kind), issues, "dct:publisher")

    def _contact(self, node: ox.NamedNode | ox.BlankNode, issues: list[str]) -> ContactPoint | None:
        ix = self.index
        email = ix.first_text(node, VCARD.hasEmail)
        if email and email.lower().startswith("mailto:"):
            email = email[len("mailto:") :]
        url = ix.first_iri(node, VCARD.hasURL, issues, "vcard:hasURL")
        fn = ix.first_text(node, VCARD.fn)
        iri = node.value if isinstance(node, ox.NamedNode) else None
        contact = _attempt(lambda: ContactPoint(iri, fn, email, url), issues, "dcat:contactPoint")
        if contact is None and email:
            contact = _attempt(lambda: ContactPoint(iri, fn, None, url), issues, "dcat:contactPoint")
        return contact

    def _period(self, node: ox.NamedNode | ox.BlankNode, issues: list[str]) -> PeriodOfTime | None:
        ix = self.index
        start = ix.instant(node, DCAT.startDate, issues, "dcat:startDate") or ix.instant(
            node, _SCHEMA.startDate, issues, "schema:startDate"
        )
        end = ix.instant(node, DCAT.endDate, issues, "dcat:endDate") or ix.instant(
            node, _SCHEMA.endDate, issues, "schema:endDate"
        )
        start = start or self._time_instant(node, TIME.hasBeginning)
        end = end or self._time_instant(node, TIME.hasEnd)
        return _attempt(lambda: PeriodOfTime(start, end), issues, "dct:temporal")

    def _time_instant(self, node: Subject, predicate: str) -> date | datetime | None:
        for instant in self.index.values(node, predicate):
            if isinstance(instant, ox.Literal):
                continue
            for p in (TIME.inXSDDateTimeStamp, TIME.inXSDDateTime, TIME.inXSDDate):
                for value in self.index.values(instant, p):
                    parsed = as_instant(value)
                    if parsed is not None:
                        return parsed
        return None

    def _provenance(self, subject: Subject) -> tuple[LangText, ...]:
        texts: list[LangText] = []
        for value in self.index.values(subject, DCT.provenance):
            if isinstance(value, ox.Literal):
                texts.append(LangText(value.value, value.language or None))
            else:
                texts.extend(self.index.texts(value, RDFS.label))
        return tuple(texts)

    @staticmethod
    def _one(values: tuple[str, ...]) -> str | None:
        return values[0] if values else None

    def _coded(
        self, subject: Subject, predicate: str, codes: dict[str, str], issues: list[str]
    ) -> tuple[str, ...]:
        found: list[str] = []
        for value in self.index.values(subject, predicate):
            known = codes.get(value.value.strip().lower()) if isinstance(value, ox.Literal) else None
            iri = known or as_iri(value)
            if iri is None:
                issues.append(
                    f"{predicate.rsplit('/', 1)[-1]}: {term_label(value)} is not an IRI nor a known code"
                )
            else:
                found.append(iri)
        return tuple(dict.fromkeys(found))

    def _distribution(
        self, node: ox.NamedNode | ox.BlankNode, issues: list[str]
    ) -> DistributionRecord | None:
        ix = self.index
        what = f"distribution {term_label(node)}"
        access = ix.first_iri(node, DCAT.accessURL, issues, f"{what} dcat:accessURL")
        download = ix.first_iri(node, DCAT.downloadURL, issues, f"{what} dcat:downloadURL")
        if access is None and download is None:
            issues.append(f"{what} has neither dcat:accessURL nor dcat:downloadURL and was not kept")
            return None
        if access is None:
            issues.append(
                f"{what} has no dcat:accessURL; its dcat:downloadURL serves as one, as DCAT advises"
            )
        file_type, media_type = self._format(node, issues, what)
        size = ix.first_text(node, DCAT.byteSize)
        byte_size = spellings.whole_number(size) if size else None
        if size and byte_size is None:
            issues.append(f"{what} dcat:byteSize {size!r} is not a whole number and was not kept")
        return _attempt(
            lambda: DistributionRecord(
                iri=node.value if isinstance(node, ox.NamedNode) else None,
                access_url=access or download,  # type: ignore[arg-type]
                titles=ix.texts(node, DCT.title),
                descriptions=ix.texts(node, DCT.description),
                download_url=download,
                format=file_type,
                media_type=media_type,
                byte_size=byte_size,
                checksum=self._checksum(node, issues),
                licence=ix.first_iri(node, DCT.license, issues, f"{what} dct:license"),
                availability=ix.first_iri(node, DCATAP.availability, issues, f"{what} availability"),
                access_services=self._many(node, DCAT.accessService, self._service, issues),
                issued=ix.instant(node, DCT.issued, issues, f"{what} dct:issued"),
                modified=ix.instant(node, DCT.modified, issues, f"{what} dct:modified"),
            ),
            issues,
            what,
        )

    def _format(self, node: Subject, issues: list[str], what: str) -> tuple[str | None, str | None]:
        media_type = None
        for value in self.index.values(node, DCAT.mediaType):
            media = None if isinstance(value, ox.BlankNode) else spellings.media_type(value.value)
            if media is None:
                issues.append(
                    f"{what} dcat:mediaType {term_label(value)} is not an IANA media type; not kept"
                )
            media_type = media_type or media
        file_type = None
        for value in self.index.values(node, DCT["format"]):
            if isinstance(value, ox.BlankNode):  # CKAN writes [ a dct:IMT ; rdf:value "text/csv" ]
                text = (
                    self.index.first_text(value, RDF.value) or self.index.first_text(value, RDFS.label) or ""
                )
            else:
                text = value.value.strip()
            understood = spellings.file_format(text, isinstance(value, ox.NamedNode))
            if understood is None:
                issues.append(f"{what} dct:format {term_label(value)} is not a known format and was not kept")
            else:
                file_type, media_type = file_type or understood[0], media_type or understood[1]
        return file_type, media_type

    def _checksum(self, node: Subject, issues: list[str]) -> Checksum | None:
        for value in self.index.values(node, SPDX.checksum):
            if isinstance(value, ox.Literal):
                continue
            name = spellings.checksum_algorithm(self.index.first_text(value, SPDX.algorithm) or "")
            digest = self.index.first_text(value, SPDX.checksumValue) or ""
            return _attempt(lambda: Checksum(digest, name), issues, "spdx:checksum")  # noqa: B023 - called at once
        return None

    def _service(self, node: ox.NamedNode | ox.BlankNode, issues: list[str]) -> DataServiceRecord | None:
        ix = self.index
        titles = ix.texts(node, DCT.title)
        endpoint = ix.first_iri(node, DCAT.endpointURL, issues, "dcat:endpointURL")
        if not isinstance(node, ox.NamedNode) or not titles or endpoint is None:
            issues.append(
                f"data service {term_label(node)} lacks an IRI, a title or an endpoint URL; not kept"
            )
            return None
        publishers = ix.values(node, DCT.publisher)
        return _attempt(
            lambda: DataServiceRecord(
                iri=node.value,
                titles=titles,
                endpoint_url=endpoint,
                endpoint_description=ix.first_iri(
                    node, DCAT.endpointDescription, issues, "endpointDescription"
                ),
                descriptions=ix.texts(node, DCT.description),
                licence=ix.first_iri(node, DCT.license, issues, "data service dct:license"),
                access_rights=self._one(
                    self._coded(node, DCT.accessRights, spellings.ACCESS_RIGHTS_CODES, issues)
                ),
                conforms_to=ix.iris(node, DCT.conformsTo, issues, "data service dct:conformsTo"),
                publisher=self._agent(publishers[0], issues) if publishers else None,
                contact_points=self._many(node, DCAT.contactPoint, self._contact, issues),
                keywords=ix.texts(node, DCAT.keyword),
                themes=ix.iris(node, DCAT.theme, issues, "data service dcat:theme"),
            ),
            issues,
            "dcat:accessService",
        )


def _attempt(build: Callable[[], _T], issues: list[str], what: str) -> _T | None:
    try:
        return build()
    except ValueError as error:
        issues.append(f"{what}: {error}; not kept")
        return None
