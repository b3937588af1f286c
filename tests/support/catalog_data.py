"""Dataset metadata for tests: complete, DCAT-AP conformant, in English and Chinese."""

from __future__ import annotations

import copy
import itertools
from typing import Any

AUTH = "http://publications.europa.eu/resource/authority/"
_n = itertools.count(1)


def dataset_payload(**overrides: Any) -> dict[str, Any]:
    """A full dataset description; pass fields to override."""
    n = next(_n)
    payload: dict[str, Any] = {
        "title": {"en": f"Air quality measurements {n}", "zh": f"空气质量监测 {n}"},
        "description": {
            "en": "Hourly PM2.5, PM10 and NO2 readings from municipal monitoring stations.",
            "zh": "市政监测站每小时的细颗粒物、可吸入颗粒物和二氧化氮读数。",
        },
        "keywords": {"en": ["air quality", "pollution"], "zh": ["空气", "污染"]},
        "themes": [f"{AUTH}data-theme/ENVI"],
        "grade": "general-1",
        "contact_point": {"name": "Open Data Desk", "email": "opendata@example.gov"},
        "licence": f"{AUTH}licence/CC_BY_4_0",
        "access_rights": f"{AUTH}access-right/PUBLIC",
        "spatial": [f"{AUTH}country/CHN"],
        "temporal": {"start": "2024-01-01", "end": "2024-12-31"},
        "frequency": f"{AUTH}frequency/HOURLY",
        "issued": "2025-01-15T08:00:00Z",
        "languages": [f"{AUTH}language/ENG", f"{AUTH}language/ZHO"],
        "distributions": [
            {
                "title": {"en": "Readings as CSV"},
                "description": {"en": "One row per station and hour."},
                "access_url": "https://data.example.gov/air/readings.csv",
                "download_url": "https://data.example.gov/air/readings.csv",
                "format": f"{AUTH}file-type/CSV",
                "media_type": "text/csv",
                "byte_size": 1048576,
                "licence": f"{AUTH}licence/CC_BY_4_0",
            }
        ],
    }
    payload.update(copy.deepcopy(overrides))
    return payload


def create_dataset(flow: Any, party: Any, token: str, **overrides: Any) -> dict[str, Any]:
    """List a dataset through the JSON API as a draft and return its JSON, asserting it was created."""
    response = flow.http.post(
        f"/api/v1/organizations/{party.org.id}/datasets",
        headers={"Authorization": f"Bearer {token}"},
        json=dataset_payload(**overrides),
    )
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())
