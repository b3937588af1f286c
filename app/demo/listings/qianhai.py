"""Qianhai Mobility Data Co.'s datasets, ending with a product derived from three providers' data."""

# ruff: noqa: RUF001 - the Chinese texts are punctuated in Chinese (full-width commas, colons, brackets)

from __future__ import annotations

from ..specs import (
    CHINA,
    NON_PUBLIC,
    RESTRICTED,
    SHENZHEN,
    Listing,
    csv_file,
    describe,
    themes,
)

QIANHAI = "Qianhai Mobility Data Co."
STEWARD = "admin@mobility.qianhai.example.cn"
SITE = "https://mobility.qianhai.example.cn/data"
TERMS = "https://mobility.qianhai.example.cn/data-licence"
CONTACT = {"name": "Qianhai Mobility Data Desk", "email": "bd@mobility.qianhai.example.cn"}

LISTINGS: tuple[Listing, ...] = (
    Listing(
        "ev-charging",
        QIANHAI,
        STEWARD,
        describe(
            title=("EV charging sessions by station", "电动汽车充电站充电记录"),
            description=(
                "Charging sessions at Qianhai's public charging stations: connector type, start time, "
                "duration, energy delivered, peak power and fee. No driver or vehicle identifiers.",
                "前海公共充电站的充电记录：接口类型、开始时间、时长、充电量、峰值功率及费用，不含驾驶员或车辆标识。",
            ),
            keywords=(["electric vehicles", "charging", "energy demand"], ["电动汽车", "充电", "能源需求"]),
            grade="general-2",
            data_themes=themes("ENER", "TRAN"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=RESTRICTED,
            spatial=[CHINA, SHENZHEN],
            temporal=("2026-03-02", None),
            update="DAILY",
            issued="2026-03-16T00:00:00Z",
            landing_page=f"{SITE}/ev-charging-sessions",
        ),
        (
            csv_file(
                "ev-charging-sessions.csv",
                ("Sessions, 2 to 15 March 2026", "2026年3月2日至15日充电记录"),
                ("One row per charging session.", "每次充电一行。"),
                page=f"{SITE}/ev-charging-sessions",
                licence=TERMS,
            ),
        ),
    ),
    Listing(
        "ride-hailing",
        QIANHAI,
        STEWARD,
        describe(
            title=("Ride-hailing trips by origin and destination district", "网约车行程起讫区域记录"),
            description=(
                "Completed ride-hailing trips with pick-up and drop-off district, time, distance, duration "
                "and fare. Rider identifiers and phone numbers are personal information and are masked on "
                "delivery.",
                "已完成的网约车行程，包括上下车区域、时间、里程、时长和车费。乘客标识和手机号码属于个人信息，"
                "交付时予以屏蔽。",
            ),
            keywords=(
                ["ride-hailing", "trips", "origin-destination", "mobility"],
                ["网约车", "出行", "起讫点", "交通出行"],
            ),
            grade="general-3",
            personal_info="personal",
            data_themes=themes("TRAN", "REGI"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=RESTRICTED,
            spatial=[CHINA, SHENZHEN],
            temporal=("2026-03-09", "2026-03-15"),
            update="DAILY",
            issued="2026-03-16T00:00:00Z",
            landing_page=f"{SITE}/ride-hailing-trips",
        ),
        (
            csv_file(
                "ride-hailing-trips.csv",
                ("Trips, 9 to 15 March 2026", "2026年3月9日至15日行程"),
                ("One row per completed trip.", "每次完成的行程一行。"),
                page=f"{SITE}/ride-hailing-trips",
                licence=TERMS,
            ),
        ),
    ),
    Listing(
        "mobility-grid",
        QIANHAI,
        STEWARD,
        describe(
            title=(
                "Population movement by grid cell from mobile signalling",
                "基于手机信令的网格人口流动数据",
            ),
            description=(
                "Devices present, arrivals, departures and median dwell time per 1 km grid cell and "
                "three-hour slot, derived from mobile network signalling. Important data: aggregate queries "
                "only, for domestic consumers, approved by the provider and by the exchange.",
                "基于移动网络信令数据，按1公里网格和三小时时段统计的在场设备数、到达数、离开数及停留时长中位数。"
                "属于重要数据：仅限境内使用方经提供方和交易所批准后进行聚合查询。",
            ),
            keywords=(
                ["mobility", "population movement", "mobile signalling", "urban planning"],
                ["人口流动", "手机信令", "网格", "城市规划"],
            ),
            grade="important",
            data_themes=themes("SOCI", "REGI", "TRAN"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=NON_PUBLIC,
            spatial=[CHINA, SHENZHEN],
            temporal=("2026-03-11", None),
            update="HOURLY",
            issued="2026-03-12T00:00:00Z",
            landing_page=f"{SITE}/mobility-grid",
        ),
        (
            csv_file(
                "mobility-grid-counts.csv",
                ("Grid counts for aggregate queries", "供聚合查询的网格统计"),
                ("One row per grid cell and three-hour slot.", "每个网格每三小时一行。"),
                page=f"{SITE}/mobility-grid",
                licence=TERMS,
            ),
        ),
    ),
    Listing(
        "mobility-air-index",
        QIANHAI,
        STEWARD,
        describe(
            title=("Urban mobility and air-quality index", "城市出行与空气质量指数"),
            description=(
                "A daily composite index per district combining passenger mobility, freight activity, "
                "the share of energy from EV charging and mean air quality. Derived from the Bureau's "
                "air-quality readings, Northwind's freight volumes and Qianhai's charging sessions; its "
                "revenue is shared with the contributors by the weights of its lineage.",
                "按行政区每日计算的综合指数，融合客运出行、货运活动、电动汽车充电电量占比及平均空气质量。"
                "数据来源于数据局的空气质量监测数据、Northwind 的货运量数据和前海的充电记录，"
                "收益按来源权重与贡献方分成。",
            ),
            keywords=(
                ["index", "mobility", "air quality", "sustainability"],
                ["指数", "出行", "空气质量", "可持续发展"],
            ),
            grade="general-2",
            data_themes=themes("REGI", "ENVI", "TRAN"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=RESTRICTED,
            spatial=[CHINA, SHENZHEN],
            temporal=("2026-03-02", "2026-03-15"),
            update="DAILY",
            issued="2026-03-20T00:00:00Z",
            landing_page=f"{SITE}/mobility-air-index",
            rights=[
                {"right": "holding", "holder": QIANHAI},
                {"right": "operation", "holder": QIANHAI},
            ],
        ),
        (
            csv_file(
                "urban-mobility-air-index-daily.csv",
                ("Index, 2 to 15 March 2026", "2026年3月2日至15日指数"),
                ("One row per district and day.", "每个行政区每天一行。"),
                page=f"{SITE}/mobility-air-index",
                licence=TERMS,
            ),
        ),
        lineage=(("air-quality", 30), ("freight-volumes", 30), ("ev-charging", 40)),
    ),
)
