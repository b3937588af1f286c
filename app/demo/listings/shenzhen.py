"""The Shenzhen Municipal Open Data Bureau's datasets: open, shared, important and core data."""

# ruff: noqa: RUF001 - the Chinese texts are punctuated in Chinese (full-width commas, colons, brackets)

from __future__ import annotations

from ..specs import (
    CC_BY,
    CHINA,
    NON_PUBLIC,
    PUBLIC,
    RESTRICTED,
    SHENZHEN,
    Listing,
    api,
    csv_file,
    describe,
    parquet_file,
    themes,
)

BUREAU = "Shenzhen Municipal Open Data Bureau"
STEWARD = "steward@opendata.sz.example.gov"
SITE = "https://opendata.sz.example.gov/datasets"
TERMS = "https://opendata.sz.example.gov/terms/shared-data-licence"
CONTACT = {"name": "Open Data Service Desk", "email": "data@opendata.sz.example.gov"}

LISTINGS: tuple[Listing, ...] = (
    Listing(
        "air-quality",
        BUREAU,
        STEWARD,
        describe(
            title=("Hourly air quality by monitoring station, Shenzhen", "深圳市空气质量监测站逐小时数据"),
            description=(
                "Hourly concentrations of PM2.5, PM10, NO2 and O3 with the air quality index (AQI) from the "
                "municipal monitoring network, one row per station and hour. Readings are validated and "
                "published the next morning.",
                "市级空气质量监测网络各站点逐小时的细颗粒物（PM2.5）、可吸入颗粒物（PM10）、二氧化氮、臭氧浓度"
                "及空气质量指数（AQI），每站每小时一行；数据经审核后于次日上午发布。",
            ),
            keywords=(
                ["air quality", "PM2.5", "AQI", "pollution", "environmental monitoring"],
                ["空气质量", "细颗粒物", "空气质量指数", "污染", "环境监测"],
            ),
            grade="general-1",
            data_themes=themes("ENVI", "HEAL"),
            contact=CONTACT,
            licence=CC_BY,
            access_rights=PUBLIC,
            spatial=[CHINA, SHENZHEN],
            temporal=("2019-01-01", None),
            update="HOURLY",
            issued="2019-06-01T00:00:00Z",
            landing_page=f"{SITE}/air-quality-hourly",
        ),
        (
            csv_file(
                "air-quality-hourly.csv",
                ("Validated hourly readings, 10 March 2026", "2026年3月10日逐小时审核数据"),
                ("One row per station and hour, times in China Standard Time.", "每站每小时一行，北京时间。"),
                page=f"{SITE}/air-quality-hourly",
                licence=CC_BY,
            ),
            parquet_file(
                "air-quality-hourly.parquet",
                (
                    "Validated hourly readings, 10 March 2026, Parquet",
                    "2026年3月10日逐小时审核数据（Parquet 格式）",
                ),
                (
                    "The same rows as the CSV file, times as UTC instants.",
                    "与 CSV 文件相同的数据行，时间为 UTC 时刻。",
                ),
                page=f"{SITE}/air-quality-hourly",
                licence=CC_BY,
            ),
            api(
                ("Live readings API", "实时监测数据接口"),
                ("Unvalidated readings as they arrive, as JSON.", "实时到达的未审核数据，JSON 格式。"),
                endpoint="https://opendata.sz.example.gov/api/air/v2/readings",
                licence=CC_BY,
            ),
        ),
    ),
    Listing(
        "bus-ridership",
        BUREAU,
        STEWARD,
        describe(
            title=("Bus ridership by line and day, Shenzhen", "深圳市公交线路每日客流量"),
            description=(
                "Daily boardings, scheduled trips and fare revenue per bus line, from the smart-card and "
                "QR-code validations reported by the three franchised bus operators.",
                "基于三家公交特许经营企业上报的公交卡及二维码刷卡数据，按线路统计的每日上车人次、计划班次和票款收入。",
            ),
            keywords=(
                ["public transport", "bus", "ridership", "smart card"],
                ["公共交通", "公交", "客流", "公交卡"],
            ),
            grade="general-1",
            data_themes=themes("TRAN", "REGI"),
            contact=CONTACT,
            licence=CC_BY,
            access_rights=PUBLIC,
            spatial=[CHINA, SHENZHEN],
            temporal=("2024-01-01", None),
            update="DAILY",
            issued="2024-02-01T00:00:00Z",
            landing_page=f"{SITE}/bus-ridership-daily",
            rights=[
                {"right": "holding", "holder": "Shenzhen franchised bus operators"},
                {"right": "processing", "holder": BUREAU},
                {"right": "operation", "holder": BUREAU},
            ],
        ),
        (
            csv_file(
                "bus-ridership-daily.csv",
                ("Ridership, 2 to 15 March 2026", "2026年3月2日至15日客流"),
                ("One row per line and service day.", "每条线路每个运营日一行。"),
                page=f"{SITE}/bus-ridership-daily",
                licence=CC_BY,
            ),
        ),
    ),
    Listing(
        "traffic-incidents",
        BUREAU,
        STEWARD,
        describe(
            title=(
                "Road traffic incidents by district and month, Shenzhen",
                "深圳市各区道路交通事故月度统计",
            ),
            description=(
                "Reported road traffic incidents, injuries and fatalities per administrative district and "
                "month, compiled from police incident reports.",
                "根据公安交通管理部门事故报告汇总的各行政区每月道路交通事故数、受伤人数和死亡人数。",
            ),
            keywords=(["road safety", "traffic incidents", "injuries"], ["道路安全", "交通事故", "伤亡"]),
            grade="general-1",
            data_themes=themes("TRAN", "JUST"),
            contact=CONTACT,
            licence=CC_BY,
            access_rights=PUBLIC,
            spatial=[CHINA, SHENZHEN],
            temporal=("2025-01-01", "2025-12-31"),
            update="MONTHLY",
            issued="2026-01-20T00:00:00Z",
            landing_page=f"{SITE}/traffic-incidents-monthly",
        ),
        (
            csv_file(
                "traffic-incidents-monthly.csv",
                ("Incidents in 2025", "2025年交通事故"),
                ("One row per district and month.", "每个行政区每月一行。"),
                page=f"{SITE}/traffic-incidents-monthly",
                licence=CC_BY,
            ),
        ),
    ),
    Listing(
        "hospital-beds",
        BUREAU,
        STEWARD,
        describe(
            title=("Hospital bed occupancy by district, weekly", "各区医院床位占用率周报"),
            description=(
                "Weekly general and intensive-care bed capacity and occupancy of public hospitals, "
                "aggregated per district. Shared with accredited partners for health-service planning; "
                "not open data.",
                "按行政区汇总的公立医院普通床位与重症监护床位的每周容量及占用情况，仅向经认可的合作方提供，"
                "用于卫生服务规划，不属于开放数据。",
            ),
            keywords=(
                ["hospital capacity", "bed occupancy", "ICU", "health services"],
                ["医院容量", "床位占用", "重症监护", "卫生服务"],
            ),
            grade="general-2",
            data_themes=themes("HEAL", "SOCI"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=RESTRICTED,
            spatial=[CHINA, SHENZHEN],
            temporal=("2026-01-05", None),
            update="WEEKLY",
            issued="2026-02-01T00:00:00Z",
            landing_page=f"{SITE}/hospital-bed-occupancy",
        ),
        (
            csv_file(
                "hospital-bed-occupancy-weekly.csv",
                ("Occupancy, January to March 2026", "2026年1月至3月床位占用"),
                ("One row per district and week.", "每个行政区每周一行。"),
                page=f"{SITE}/hospital-bed-occupancy",
                licence=TERMS,
            ),
        ),
    ),
    Listing(
        "water-telemetry",
        BUREAU,
        STEWARD,
        describe(
            title=("Water supply network telemetry by pressure zone", "供水管网分区压力与流量监测数据"),
            description=(
                "Hourly pressure, flow, turbidity and free chlorine in the pressure zones of the municipal "
                "water supply network. Important data: aggregate queries only, for domestic consumers, "
                "approved by the Bureau and by the exchange.",
                "市政供水管网各压力分区逐小时的压力、流量、浊度和余氯监测数据。该数据属于重要数据："
                "仅限境内使用方在数据局和交易所批准后进行聚合查询。",
            ),
            keywords=(
                ["water supply", "critical infrastructure", "telemetry", "pressure"],
                ["供水", "关键基础设施", "遥测", "管网压力"],
            ),
            grade="important",
            data_themes=themes("ENVI", "REGI"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=NON_PUBLIC,
            spatial=[CHINA, SHENZHEN],
            temporal=("2026-03-09", None),
            update="HOURLY",
            issued="2026-03-12T00:00:00Z",
            landing_page=f"{SITE}/water-network-telemetry",
        ),
        (
            csv_file(
                "water-network-telemetry.csv",
                ("Telemetry for aggregate queries", "供聚合查询的遥测数据"),
                ("One row per pressure zone and hour.", "每个压力分区每小时一行。"),
                page=f"{SITE}/water-network-telemetry",
                licence=TERMS,
            ),
            parquet_file(
                "water-network-telemetry.parquet",
                ("Telemetry for aggregate queries, Parquet", "供聚合查询的遥测数据（Parquet 格式）"),
                (
                    "The same rows as the CSV file, times as UTC instants.",
                    "与 CSV 文件相同的数据行，时间为 UTC 时刻。",
                ),
                page=f"{SITE}/water-network-telemetry",
                licence=TERMS,
            ),
        ),
    ),
    Listing(
        "grid-dispatch",
        BUREAU,
        STEWARD,
        describe(
            title=("Power grid dispatch topology and protection settings", "电网调度拓扑与继电保护定值"),
            description=(
                "Topology of the 220 kV and 110 kV dispatch network with relay protection settings. Core "
                "data: registered for the exchange's oversight only, never published, offered or harvested.",
                "220千伏和110千伏调度网络拓扑及继电保护定值。核心数据：仅向交易所登记备案，"
                "不发布、不提供、不被采集。",
            ),
            keywords=(
                ["power grid", "dispatch", "critical infrastructure"],
                ["电网", "调度", "关键基础设施"],
            ),
            grade="core",
            data_themes=themes("ENER"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=NON_PUBLIC,
            spatial=[CHINA, SHENZHEN],
            temporal=("2026-01-01", None),
            update="IRREG",
            issued="2026-01-15T00:00:00Z",
            landing_page=f"{SITE}/registered/grid-dispatch",
        ),
        (
            api(
                ("Dispatch system export", "调度系统导出"),
                ("Held in the grid operator's isolated network.", "保存在电网运营方的隔离网络中。"),
                endpoint="https://grid.sz.example.gov/dispatch/topology",
            ),
        ),
        publish=False,
    ),
)
