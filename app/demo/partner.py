"""The partner demo: a second exchange in Guangzhou with a catalog of its own, harvesting the first.

`make run-federation` starts the main demo node and this one beside it; the partner's operator has
registered the main node's catalog as a harvest source, so its catalog shows both its own datasets
and the main node's, each with its provenance and a link to request access at its home node.
"""

from __future__ import annotations

from typing import Any

from .specs import CC_BY, CHINA, PUBLIC, RESTRICTED, Listing, csv_file, describe, themes

OPERATOR = "Pearl River Data Exchange"
SOURCE = "Harbour Data Exchange"  # the main demo node, as the partner's harvest source and its publisher
OPERATOR_ADMIN = "ops@pearl-river-exchange.example.org"
PROVIDER = "Guangzhou Metro Group"
STEWARD = "data@guangzhou-metro.example.cn"
GUANGZHOU = "https://sws.geonames.org/1809858/"
SITE = "https://open.guangzhou-metro.example.cn/data"
CONTACT = {"name": "Guangzhou Metro Open Data", "email": "opendata@guangzhou-metro.example.cn"}

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "name": OPERATOR,
        "kind": "operator",
        "jurisdiction": "CN",
        "publisher_type": "Company",
        "homepage": "https://pearl-river-exchange.example.org/",
        "email": "operations@pearl-river-exchange.example.org",
        "users": [
            {"email": OPERATOR_ADMIN, "name": "Lin Operator", "roles": ["admin", "reviewer", "finance"]},
        ],
        "clients": [
            {
                "name": "Exchange back office",
                "client_type": "confidential",
                "grant_types": ["client_credentials"],
            }
        ],
    },
    {
        "name": PROVIDER,
        "kind": "provider",
        "jurisdiction": "CN",
        "publisher_type": "Company",
        "homepage": "https://www.guangzhou-metro.example.cn/",
        "email": "opendata@guangzhou-metro.example.cn",
        "users": [{"email": STEWARD, "name": "Chen Steward", "roles": ["admin", "steward", "finance"]}],
        "clients": [
            {
                "name": "Metro data publishing",
                "client_type": "confidential",
                "grant_types": ["client_credentials"],
            }
        ],
    },
]


Texts = tuple[tuple[str, str], tuple[str, str]]  # a distribution's title and description, English and Chinese


def _listing(key: str, file: str, meta: dict[str, Any], dist: Texts) -> Listing:
    page = f"{SITE}/{key}"
    return Listing(
        key,
        PROVIDER,
        STEWARD,
        {**meta, "landing_page": page},
        (csv_file(file, dist[0], dist[1], page=page, licence=meta["licence"]),),
    )


LISTINGS: tuple[Listing, ...] = (
    _listing(
        "metro-ridership",
        "metro-ridership-daily.csv",
        describe(
            title=("Metro ridership by station and day", "地铁各站每日客流"),
            description=(
                "Entries and exits counted by the fare gates of six central stations, per day.",
                "六个中心站闸机每日统计的进站和出站人次。",
            ),
            keywords=(["metro", "ridership", "public transport"], ["地铁", "客流", "公共交通"]),
            grade="general-1",
            data_themes=themes("TRAN"),
            contact=CONTACT,
            licence=CC_BY,
            access_rights=PUBLIC,
            spatial=[CHINA, GUANGZHOU],
            temporal=("2026-10-05", "2026-11-01"),
            update="DAILY",
            issued="2026-11-02T00:00:00Z",
            landing_page="",
        ),
        (("Daily ridership as CSV", "每日客流 CSV"), ("One row per station and day.", "每站每日一行。")),
    ),
    _listing(
        "bike-share-trips",
        "bike-share-trips-hourly.csv",
        describe(
            title=("Shared-bike trips by district and hour", "各区每小时共享单车出行"),
            description=(
                "Trips started in each district in each hour near metro exits, with their average length.",
                "各区地铁出口附近每小时开始的共享单车出行次数及平均时长。",
            ),
            keywords=(["bike sharing", "first mile", "mobility"], ["共享单车", "最后一公里", "出行"]),
            grade="general-1",
            data_themes=themes("TRAN"),
            contact=CONTACT,
            licence=CC_BY,
            access_rights=PUBLIC,
            spatial=[CHINA, GUANGZHOU],
            temporal=("2026-10-12", "2026-10-13"),
            update="HOURLY",
            issued="2026-10-20T00:00:00Z",
            landing_page="",
        ),
        (("Hourly trips as CSV", "每小时出行 CSV"), ("One row per district and hour.", "每区每小时一行。")),
    ),
    _listing(
        "park-and-ride",
        "parking-occupancy-hourly.csv",
        describe(
            title=("Park-and-ride occupancy by hour", "停车换乘场每小时占用"),
            description=(
                "Spaces and spaces taken, each hour, in the five park-and-ride car parks at metro stations.",
                "五个地铁站停车换乘场每小时的车位总数和已占用车位。",
            ),
            keywords=(["parking", "park and ride"], ["停车", "停车换乘"]),
            grade="general-2",
            data_themes=themes("TRAN"),
            contact=CONTACT,
            licence=f"{SITE}/terms",
            access_rights=RESTRICTED,
            spatial=[CHINA, GUANGZHOU],
            temporal=("2026-10-14", "2026-10-14"),
            update="HOURLY",
            issued="2026-10-21T00:00:00Z",
            landing_page="",
        ),
        (
            ("Hourly occupancy as CSV", "每小时占用 CSV"),
            ("One row per car park and hour.", "每场每小时一行。"),
        ),
    ),
)
