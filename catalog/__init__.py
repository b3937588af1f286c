"""dxnode's DCAT-AP 3.0.1 library: records, streaming serialisers, the harvest parser, SHACL validation.

It is framework-free (no Flask, no database), so the web app, the harvester, the CLI and the
benchmarks share it and it can be tested alone. The entry points:

- :mod:`catalog.records`: the frozen dataclasses a node publishes (``DatasetRecord`` ...).
- :mod:`catalog.vocab`: namespaces and the EU vocabularies offered as choices.
- :mod:`catalog.serialize`: ``serialize_catalog`` (a streamed feed page), ``serialize_dataset``,
  ``hydra_view`` and ``Format``.
- :mod:`catalog.parse`: ``parse_catalog`` for harvested pages.
- :mod:`catalog.validate`: ``validate`` and ``validate_dataset`` against the official shapes.
"""
