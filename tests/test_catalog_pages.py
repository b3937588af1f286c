"""The catalog's pages for people: search, facets, a dataset, a publisher, served without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

import app as app_package

from .support.actions import Flow, bearer
from .support.catalog_data import AUTH
from .support.catalog_data import create_dataset as _create

HTML = {"Accept": "text/html"}
ENVI = f"{AUTH}data-theme/ENVI"
TRAN = f"{AUTH}data-theme/TRAN"
OPTION = re.compile(
    r'<a class="option[^"]*" href="[^"]*"[^>]*>.*?<span class="label"[^>]*>([^<]*)</span>.*?'
    r'<span class="count">(\d+)',
    re.DOTALL,
)


def _publish(flow, provider, token, **overrides):
    body = _create(flow, provider, token, **overrides)
    response = flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(token))
    assert response.get_json()["status"] == "published", response.get_json()
    return body


def _page(flow, url, status=200):
    response = flow.http.get(url, headers=HTML)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _listed(html, dataset):
    return f'href="/dataset/{dataset["id"]}"' in html


def _heading(html):
    match = re.search(r'<h2 id="results-heading">(.*?)</h2>', html, re.DOTALL)
    assert match, "the page has no results heading"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def _facet_counts(html):
    return {label.strip(): int(count) for label, count in OPTION.findall(html)}


def test_search_finds_by_english_and_by_chinese_words(flow, provider, steward_token):
    air = _publish(flow, provider, steward_token)
    bus = _publish(
        flow,
        provider,
        steward_token,
        title={"en": "Bus timetables", "zh": "公交时刻表"},
        description={"en": "Scheduled departures of city buses.", "zh": "城市公交车的发车时刻。"},
        keywords={"en": ["transport"], "zh": ["公交"]},
        themes=[TRAN],
    )
    english = _page(flow, "/catalog?q=timetables")
    assert _listed(english, bus)
    assert not _listed(english, air)
    assert _heading(english) == "1 dataset for “timetables”"
    chinese = _page(flow, "/catalog?q=" + quote("时刻"))
    assert _listed(chinese, bus)
    assert not _listed(chinese, air)
    assert '<span lang="zh" class=" alt">公交时刻表</span>' in chinese
    assert '<span lang="en" class="">Bus timetables</span>' in chinese
    assert _listed(_page(flow, "/catalog?q=" + quote("空气")), air)


def test_a_facet_narrows_the_results_and_shows_counts(flow, provider, steward_token):
    air = [_publish(flow, provider, steward_token) for _ in range(2)]
    road = _publish(flow, provider, steward_token, themes=[TRAN], title={"en": "Road traffic counts"})
    everything = _page(flow, "/catalog")
    counts = _facet_counts(everything)
    assert counts["Environment"] == 2
    assert counts["Transport"] == 1
    assert counts[provider.org.name] == 3
    assert _heading(everything) == "3 datasets"

    narrowed = _page(flow, "/catalog?theme=" + quote(TRAN, safe=""))
    assert _listed(narrowed, road)
    assert not any(_listed(narrowed, d) for d in air)
    assert _heading(narrowed) == "1 dataset"
    assert 'aria-current="true"' in narrowed  # the chosen value is marked
    # a facet in use keeps counting its other values, so a second one can be added
    assert _facet_counts(narrowed)["Environment"] == 2
    both = _page(flow, f"/catalog?theme={quote(TRAN, safe='')}&theme={quote(ENVI, safe='')}")
    assert all(_listed(both, d) for d in [*air, road])


def test_facet_links_add_and_remove_a_value(flow, provider, steward_token):
    _publish(flow, provider, steward_token)
    page = _page(flow, "/catalog?q=air")
    link = re.search(r'<a class="option" href="([^"]*theme=[^"]*)"', page)
    assert link is not None
    added = link.group(1).replace("&amp;", "&")
    assert "q=air" in added
    chosen = _page(flow, added)
    remove = re.search(r'<a class="chip" href="([^"]*)"', chosen)
    assert remove is not None
    assert "theme=" not in remove.group(1)
    assert "q=air" in remove.group(1)


def test_sorting_and_paging(flow, provider, steward_token):
    for title in ("Charlie", "Alpha", "Bravo"):
        _publish(flow, provider, steward_token, title={"en": f"{title} readings"})
    by_title = _page(flow, "/catalog?sort=title")
    assert (
        by_title.index("Alpha readings")
        < by_title.index("Bravo readings")
        < by_title.index("Charlie readings")
    )
    newest = _page(flow, "/catalog?sort=-published")
    assert newest.index("Charlie readings") > newest.index("Bravo readings")

    second = _page(flow, "/catalog?sort=title&per_page=1&page=2")
    assert "Bravo readings" in second
    assert "Alpha readings" not in second
    assert 'rel="prev"' in second
    assert 'rel="next"' in second
    assert 'aria-current="page" class="current"><span class="visually-hidden">Page </span>2' in second
    assert "Showing 2\N{EN DASH}2 of 3" in second
    past = _page(flow, "/catalog?per_page=1&page=9")
    assert "past the last page" in past


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=two", "page"),
        ("page=99999999999", "page"),
        ("per_page=1000", "per_page"),
        ("sort=price", "sort"),
        ("grade=secret", "grade"),
        ("q=" + "x" * 201, "q"),
        ("q=air%00", "q"),
        ("keyword=a%01b", "keyword"),
    ],
)
def test_bad_query_parameters_are_a_400_page_naming_them(flow, query, parameter):
    html = _page(flow, f"/catalog?{query}", status=400)
    assert f"<code>{parameter}</code>" in html
    assert "Invalid query parameter" in html


def test_empty_parameters_count_as_absent(flow, provider, steward_token):
    dataset = _publish(flow, provider, steward_token)
    assert _listed(_page(flow, "/catalog?q=&page=&theme=&sort="), dataset)


def test_drafts_and_core_data_stay_out_of_public_pages(app, flow, provider, operator, steward_token):
    public = _publish(flow, provider, steward_token, title={"en": "Public zebra counts"})
    draft = _create(flow, provider, steward_token, title={"en": "Draft zebra counts"})
    core = _create(flow, provider, steward_token, title={"en": "Core zebra counts"}, grade="core")
    for url in ("/catalog", "/catalog?q=zebra", "/", f"/publisher/{provider.org.id}"):
        html = _page(flow, url)
        assert _listed(html, public)
        assert not _listed(html, draft)
        assert not _listed(html, core)
    for hidden in (draft, core):
        assert flow.http.get(f"/dataset/{hidden['id']}", headers=HTML).status_code == 404

    assert flow.login(provider.user.email, provider.password).status_code == 302
    preview = _page(flow, f"/dataset/{draft['id']}")
    assert "Draft — not public." in preview
    assert '<meta name="robots" content="noindex">' in preview
    assert f"/dataset/{draft['id']}.ttl" not in preview  # the RDF forms do not exist yet
    assert not _listed(_page(flow, f"/publisher/{provider.org.id}"), draft)  # even for its publisher

    staff = Flow(app.test_client())
    assert staff.login(operator.user.email, operator.password).status_code == 302
    assert "not public" in _page(staff, f"/dataset/{core['id']}")


def test_dataset_page_shows_its_metadata_and_distributions(flow, provider, steward_token):
    dataset = _publish(
        flow,
        provider,
        steward_token,
        version="2.1",
        conforms_to=["https://example.gov/schemas/air"],
        rights=[
            {"right": "holding", "holder": provider.org.name, "holder_org_id": provider.org.id},
            {"right": "processing", "holder": "City Analytics Ltd"},
            {"right": "operation", "holder": "Air Products Co"},
        ],
    )
    response = flow.http.get(f"/dataset/{dataset['id']}", headers=HTML)
    assert response.status_code == 200
    assert "Accept" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    title = dataset["title"]
    assert f'<span lang="en" class="">{title["en"]}</span>' in html
    assert f'<span lang="zh" class=" alt">{title["zh"]}</span>' in html
    assert 'lang="zh" class="description alt">市政监测站' in html
    assert f'href="/publisher/{provider.org.id}"' in html
    assert "general-1: public information, open data; download or API" in html
    assert "No personal information" in html
    assert 'lang="zh" href="/catalog?keyword=%E7%A9%BA%E6%B0%94"' in html
    assert f'href="/catalog?theme={ENVI}">Environment</a>' in html
    for text in (
        "Creative Commons Attribution 4.0 International",
        "public",
        "China",
        "2024-01-01",
        "2024-12-31",
        "hourly",
        "2025-01-15",
        "2.1",
        "https://example.gov/schemas/air",
        "City Analytics Ltd",
        "Processing and use",
        "Product operation",
        "Air Products Co",
    ):
        assert text in html, text
    # the distribution
    assert "Readings as CSV" in html
    assert "<code>text/csv</code>" in html
    assert "1.0 MiB" in html
    assert "https://data.example.gov/air/readings.csv" in html
    assert "delivered through the data plane" in html
    # offers and the RDF forms
    assert 'id="offers"' in html
    assert "No offers yet" in html
    for suffix in ("ttl", "jsonld", "rdf", "nt"):
        assert f'href="/dataset/{dataset["id"]}.{suffix}"' in html
    assert "not public" not in html


def test_dataset_page_links_its_lineage(flow, provider, steward_token):
    source = _publish(flow, provider, steward_token, title={"en": "Station readings"})
    derived = _publish(
        flow,
        provider,
        steward_token,
        title={"en": "Daily air index"},
        lineage=[{"dataset_id": source["id"], "weight": 3}],
    )
    html = _page(flow, f"/dataset/{derived['id']}")
    assert "Lineage" in html
    assert f'<a href="/dataset/{source["id"]}"><span lang="en" class="">Station readings</span>' in html
    assert "<td>3</td>" in html
    assert "100 %" in html


def test_withdrawn_dataset_page_is_gone(flow, provider, steward_token):
    dataset = _publish(flow, provider, steward_token)
    flow.http.post(
        f"/api/v1/datasets/{dataset['id']}/withdraw", headers=bearer(steward_token), json={"reason": "old"}
    )
    html = _page(flow, f"/dataset/{dataset['id']}", status=410)
    assert "Withdrawn" in html
    assert dataset["title"]["en"] in html
    assert not _listed(_page(flow, "/catalog"), dataset)


def test_unknown_dataset_is_a_404_page(flow):
    assert "404" in _page(flow, "/dataset/no-such-dataset", status=404)


def test_publisher_page_lists_only_published_datasets(
    flow, provider, operator, steward_token, reviewer_token
):
    public = _publish(flow, provider, steward_token)
    in_review = _create(flow, provider, steward_token, grade="general-3")
    flow.http.post(f"/api/v1/datasets/{in_review['id']}/submit", headers=bearer(steward_token))
    html = _page(flow, f"/publisher/{provider.org.id}")
    assert f"<h1>{provider.org.name}</h1>" in html
    assert "provider" in html
    assert "CN" in html
    assert _listed(html, public)
    assert not _listed(html, in_review)
    assert "1 published dataset" in html

    _page(flow, "/publisher/no-such-organisation", status=404)
    suspended = flow.http.patch(
        f"/api/v1/organizations/{provider.org.id}",
        headers=bearer(reviewer_token),
        json={"status": "suspended"},
    )
    assert suspended.status_code == 200, suspended.get_json()
    _page(flow, f"/publisher/{provider.org.id}", status=404)


def test_front_page_leads_into_the_catalog(flow, provider, steward_token):
    dataset = _publish(flow, provider, steward_token)
    html = _page(flow, "/")
    assert re.search(r'<form class="search search-hero" method="get" action="/catalog"', html)
    assert 'name="q"' in html
    assert _listed(html, dataset)
    assert f'href="/publisher/{provider.org.id}"' in html


def test_catalog_links_its_rdf_feeds(flow):
    html = _page(flow, "/catalog")
    for suffix in ("ttl", "jsonld", "rdf", "nt"):
        assert f'href="/catalog.{suffix}"' in html
    assert "No dataset matches" in html


@pytest.mark.parametrize("path", ["/", "/catalog", "/catalog?q=air", "dataset", "publisher", "/login"])
def test_pages_carry_no_external_asset_urls(flow, provider, steward_token, path):
    dataset = _publish(flow, provider, steward_token)
    pages = {"dataset": f"/dataset/{dataset['id']}", "publisher": f"/publisher/{provider.org.id}"}
    html = _page(flow, pages.get(path, path))
    assets = re.findall(r"<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc=\"([^\"]*)\"", html)
    assets += re.findall(r"<link\b[^>]*\bhref=\"([^\"]*)\"", html)
    assert assets, "the page links its stylesheet"
    for url in assets:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url


def test_the_stylesheet_ships_with_the_package_and_loads_nothing_remote():
    css = (Path(app_package.__file__).parent / "web" / "static" / "dxnode.css").read_text()
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css


def test_the_stylesheet_is_served(flow):
    html = _page(flow, "/catalog")
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert href is not None
    response = flow.http.get(href.group(1))
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    response.close()
