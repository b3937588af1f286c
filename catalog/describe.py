"""Records to RDF nodes, following DCAT-AP 3.0.1 including what its range shapes demand.

DCAT-AP's ``range.ttl`` checks the class of every resource a dataset points to, so besides the
dataset's own properties the description states the class of each referenced resource
(``<licence> a dct:LicenseDocument``, ``<language> a dct:LinguisticSystem``, ...). Concepts of the
EU vocabularies known to :mod:`catalog.vocab` are also given their label and concept scheme, which
``skos:Concept`` and ``skos:ConceptScheme`` need; an unknown concept IRI is only typed, and the
validator then reports its missing label rather than the writer inventing one.

A shared resource (a licence, a theme, the publisher of many datasets) is described once per
document: the :class:`Describer` remembers what it already wrote, up to a bound, beyond which it
starts afresh (a repeated description is harmless in RDF, only longer).

Choices worth knowing:

* A harvested record points to its origin with ``prov:wasDerivedFrom``, not ``dct:source``:
  DCAT-AP ranges ``dct:source`` over ``dcat:Dataset``, which would make the remote IRI a dataset
  without a title in our output.
* A withdrawn dataset is written as an ActivityStreams tombstone (``as:Tombstone``,
  ``as:formerType dcat:Dataset``, ``as:deleted``) and is not a ``dcat:dataset`` of the catalog, so
  harvesters learn of the deletion while the catalog stays a list of live datasets.
* In a catalog feed, the node's catalog service ``dcat:servesDataset`` every dataset it lists, and a
  data service that gives access to a distribution serves that distribution's dataset.
"""

from __future__ import annotations

from catalog import vocab
from catalog.nodes import BNode, Lit, Node, instant_literal
from catalog.records import (
    Agent,
    CatalogRecord,
    Checksum,
    ContactPoint,
    DataServiceRecord,
    DatasetRecord,
    DistributionRecord,
    HydraView,
    PeriodOfTime,
    Tombstone,
)
from catalog.vocab import AS, DCAT, DCATAP, DCT, ELI, FOAF, HYDRA, PROV, RDF, RDFS, SKOS, SPDX, VCARD, XSD

_RDF_TYPE = RDF.type
_CONCEPT = SKOS.Concept


class Describer:
    """Turns records into nodes for one output document, describing shared resources once."""

    def __init__(self, memory: int = 50_000, bnode_prefix: str = "b") -> None:
        self._described: set[str] = set()
        self._memory = memory
        self._bnodes = 0
        self._bnode_prefix = bnode_prefix  # unique per fragment, so spliced fragments never share a label
        self._out: list[Node] = []

    # -- entry points -------------------------------------------------------------------------

    def catalog(self, record: CatalogRecord, view: HydraView | None = None) -> list[Node]:
        """Describe the catalog header, its service and, for a paged feed, the Hydra view."""
        node = Node(record.iri, DCAT.Catalog, HYDRA.Collection) if view else Node(record.iri, DCAT.Catalog)
        self._out = [node]
        node.add_all(DCT.title, record.titles)
        node.add_all(DCT.description, record.descriptions)
        node.add(DCT.publisher, self._agent(record.publisher))
        if record.homepage:
            node.add(FOAF.homepage, self._typed(record.homepage, FOAF.Document))
        node.add_all(DCT.language, [self._typed(iri, DCT.LinguisticSystem) for iri in record.languages])
        if record.licence:
            node.add(DCT.license, self._licence(record.licence))
        if record.issued is not None:
            node.add(DCT.issued, instant_literal(record.issued))
        if record.modified is not None:
            node.add(DCT.modified, instant_literal(record.modified))
        node.add_all(DCT.spatial, [self._typed(iri, DCT.Location) for iri in record.spatial])
        node.add_all(DCAT.themeTaxonomy, [self._scheme(iri) for iri in record.theme_taxonomies])
        if record.service:
            node.add(DCAT.service, self._service(record.service))
        if view:
            node.add(HYDRA.totalItems, Lit(str(view.total_items), None, XSD.integer))
            node.add(HYDRA.view, view.iri)
            page = Node(view.iri, HYDRA.PartialCollectionView)
            for name in ("first", "previous", "next", "last"):
                link = getattr(view, name)
                if link:
                    page.add(HYDRA[name], link)
            self._out.append(page)
        return self._take()

    def dataset(
        self, record: DatasetRecord, catalog_iri: str | None = None, service_iri: str | None = None
    ) -> list[Node]:
        """Describe a dataset, its distributions and what they refer to; link it from the catalog."""
        node = Node(record.iri, DCAT.Dataset)
        self._out = [node]
        self._dataset_properties(node, record)
        for distribution in record.distributions:
            node.add(DCAT.distribution, self._distribution(distribution, record.iri))
        if catalog_iri:
            self._out.append(Node(catalog_iri))
            self._out[-1].add(DCAT.dataset, record.iri)
        if service_iri:
            self._out.append(Node(service_iri))
            self._out[-1].add(DCAT.servesDataset, record.iri)
        return self._take()

    def tombstone(self, record: Tombstone) -> list[Node]:
        """Describe a withdrawn dataset as an ActivityStreams tombstone."""
        node = Node(record.iri, AS.Tombstone)
        node.add(AS.formerType, DCAT.Dataset)
        node.add(AS.deleted, instant_literal(record.deleted_at))
        return [node]

    # -- the dataset and its parts ------------------------------------------------------------

    def _dataset_properties(self, node: Node, record: DatasetRecord) -> None:
        if record.identifier is not None:
            node.add(DCT.identifier, Lit(record.identifier))
        node.add_all(DCT.title, record.titles)
        node.add_all(DCT.description, record.descriptions)
        node.add_all(DCAT.keyword, record.keywords)
        node.add_all(DCAT.theme, [self._typed(iri, _CONCEPT) for iri in record.themes])
        if record.publisher:
            node.add(DCT.publisher, self._agent(record.publisher))
        node.add_all(DCAT.contactPoint, [self._contact(c) for c in record.contact_points])
        if record.licence:
            node.add(DCT.license, self._licence(record.licence))
        if record.access_rights:
            node.add(DCT.accessRights, self._typed(record.access_rights, DCT.RightsStatement))
        node.add_all(DCT.spatial, [self._typed(iri, DCT.Location) for iri in record.spatial])
        node.add_all(DCT.temporal, [self._period(p) for p in record.temporal])
        if record.frequency:
            node.add(DCT.accrualPeriodicity, self._typed(record.frequency, DCT.Frequency))
        if record.issued is not None:
            node.add(DCT.issued, instant_literal(record.issued))
        if record.modified is not None:
            node.add(DCT.modified, instant_literal(record.modified))
        node.add_all(DCT.conformsTo, [self._typed(iri, DCT.Standard) for iri in record.conforms_to])
        if record.version is not None:
            node.add(DCAT.version, Lit(record.version))
        if record.landing_page:
            node.add(DCAT.landingPage, self._typed(record.landing_page, FOAF.Document))
        node.add_all(DCT.language, [self._typed(iri, DCT.LinguisticSystem) for iri in record.languages])
        node.add_all(
            DCATAP.applicableLegislation,
            [self._typed(iri, ELI.LegalResource) for iri in record.applicable_legislation],
        )
        if record.was_generated_by:
            node.add(PROV.wasGeneratedBy, self._typed(record.was_generated_by, PROV.Activity))
        if record.provenance:
            statement = self._new_node(DCT.ProvenanceStatement)
            statement.add_all(RDFS.label, record.provenance)
            node.add(DCT.provenance, statement.subject)
        if record.source:
            node.add(PROV.wasDerivedFrom, record.source)

    def _distribution(self, record: DistributionRecord, dataset_iri: str) -> str:
        node = Node(record.iri, DCAT.Distribution) if record.iri else self._new_node(DCAT.Distribution)
        if record.iri:
            self._out.append(node)
        node.add_all(DCT.title, record.titles)
        node.add_all(DCT.description, record.descriptions)
        node.add(DCAT.accessURL, record.access_url)
        if record.download_url:
            node.add(DCAT.downloadURL, record.download_url)
        if record.format:
            node.add(DCT["format"], self._typed(record.format, DCT.MediaTypeOrExtent))
        if record.media_type:
            node.add(DCAT.mediaType, self._typed(vocab.media_type_iri(record.media_type), DCT.MediaType))
        if record.byte_size is not None:
            node.add(DCAT.byteSize, Lit(str(record.byte_size), None, XSD.nonNegativeInteger))
        if record.checksum:
            node.add(SPDX.checksum, self._checksum(record.checksum))
        if record.licence:
            node.add(DCT.license, self._licence(record.licence))
        if record.availability:
            node.add(DCATAP.availability, self._typed(record.availability, _CONCEPT))
        for service in record.access_services:
            node.add(DCAT.accessService, self._service(service, dataset_iri))
        if record.issued is not None:
            node.add(DCT.issued, instant_literal(record.issued))
        if record.modified is not None:
            node.add(DCT.modified, instant_literal(record.modified))
        return node.subject

    def _service(self, record: DataServiceRecord, serves: str | None = None) -> str:
        if serves and self._first_time(f"serves {record.iri} {serves}"):
            link = Node(record.iri)
            link.add(DCAT.servesDataset, serves)
            self._out.append(link)
        if not self._first_time("service " + record.iri):
            return record.iri
        node = Node(record.iri, DCAT.DataService)
        self._out.append(node)
        node.add_all(DCT.title, record.titles)
        node.add_all(DCT.description, record.descriptions)
        node.add(DCAT.endpointURL, record.endpoint_url)
        if record.endpoint_description:
            node.add(DCAT.endpointDescription, record.endpoint_description)
        node.add_all(DCAT.servesDataset, list(record.serves_dataset))
        if record.licence:
            node.add(DCT.license, self._licence(record.licence))
        if record.access_rights:
            node.add(DCT.accessRights, self._typed(record.access_rights, DCT.RightsStatement))
        node.add_all(DCT.conformsTo, [self._typed(iri, DCT.Standard) for iri in record.conforms_to])
        if record.publisher:
            node.add(DCT.publisher, self._agent(record.publisher))
        node.add_all(DCAT.contactPoint, [self._contact(c) for c in record.contact_points])
        node.add_all(DCAT.keyword, record.keywords)
        node.add_all(DCAT.theme, [self._typed(iri, _CONCEPT) for iri in record.themes])
        return record.iri

    # -- shared resources ---------------------------------------------------------------------

    def _agent(self, agent: Agent) -> str:
        if agent.iri is not None and not self._first_time("agent " + agent.iri):
            return agent.iri
        node = Node(agent.iri, FOAF.Agent) if agent.iri else self._new_node(FOAF.Agent)
        if agent.iri:
            self._out.append(node)
        node.add_all(FOAF.name, agent.names)
        if agent.type:
            node.add(DCT.type, self._typed(agent.type, _CONCEPT))
        return node.subject

    def _contact(self, contact: ContactPoint) -> str:
        if contact.iri is not None and not self._first_time("contact " + contact.iri):
            return contact.iri
        node = Node(contact.iri, VCARD.Kind) if contact.iri else self._new_node(VCARD.Kind)
        if contact.iri:
            self._out.append(node)
        if contact.fn is not None:
            node.add(VCARD.fn, Lit(contact.fn))
        if contact.email:
            node.add(VCARD.hasEmail, "mailto:" + contact.email)
        if contact.url:
            node.add(VCARD.hasURL, contact.url)
        return node.subject

    def _licence(self, iri: str) -> str:
        if self._first_time("licence " + iri):
            node = Node(iri, DCT.LicenseDocument)
            self._out.append(node)
            known = vocab.LICENCES_BY_IRI.get(iri)
            if known:
                node.add(SKOS.prefLabel, Lit(known.label, "en"))
                node.add_all(DCT.type, [self._typed(t, _CONCEPT) for t in known.types])
        return iri

    def _typed(self, iri: str, cls: str) -> str:
        """State the class the shapes expect of ``iri`` and, for a known concept, its label and scheme."""
        if self._first_time(f"{cls} {iri}"):
            node = Node(iri, cls)
            self._out.append(node)
            geometry = vocab.PLACE_GEOMETRY.get(iri) if cls == DCT.Location else None
            if geometry is not None:
                node.add(DCAT.centroid, Lit(geometry.centroid, None, vocab.GSP.wktLiteral))
                node.add(DCAT.bbox, Lit(geometry.bbox, None, vocab.GSP.wktLiteral))
            concept = vocab.CONCEPTS.get(iri)
            if concept and self._first_time("concept " + iri):
                if cls != _CONCEPT:
                    node.add(_RDF_TYPE, _CONCEPT)
                node.add(SKOS.prefLabel, Lit(concept.label, "en"))
                node.add(SKOS.inScheme, self._scheme(concept.scheme))
        return iri

    def _scheme(self, iri: str) -> str:
        if self._first_time("scheme " + iri):
            node = Node(iri, SKOS.ConceptScheme)
            self._out.append(node)
            title = vocab.SCHEMES.get(iri)
            if title:
                node.add(DCT.title, Lit(title, "en"))
        return iri

    def _period(self, period: PeriodOfTime) -> str:
        node = self._new_node(DCT.PeriodOfTime)
        if period.start is not None:
            node.add(DCAT.startDate, instant_literal(period.start))
        if period.end is not None:
            node.add(DCAT.endDate, instant_literal(period.end))
        return node.subject

    def _checksum(self, checksum: Checksum) -> str:
        node = self._new_node(SPDX.Checksum)
        node.add(SPDX.algorithm, vocab.CHECKSUM_ALGORITHM_PREFIX + checksum.algorithm)
        node.add(SPDX.checksumValue, Lit(checksum.value.lower(), None, XSD.hexBinary))
        return node.subject

    # -- bookkeeping --------------------------------------------------------------------------

    def _new_node(self, cls: str) -> Node:
        self._bnodes += 1
        node = Node(BNode(f"{self._bnode_prefix}{self._bnodes}"), cls)
        self._out.append(node)
        return node

    def _first_time(self, key: str) -> bool:
        """Whether ``key`` (a kind and an IRI) is met for the first time in this document."""
        if key in self._described:
            return False
        if len(self._described) >= self._memory:
            self._described.clear()
        self._described.add(key)
        return True

    def _take(self) -> list[Node]:
        out, self._out = self._out, []
        return out
