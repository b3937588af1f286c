"""The datasets of Northwind Logistics: freight, ports, invoices and driver monitoring."""

# ruff: noqa: RUF001 - the Chinese texts are punctuated in Chinese (full-width commas, colons, brackets)

from __future__ import annotations

from ..specs import (
    CHINA,
    DUISBURG,
    GERMANY,
    HAMBURG,
    NON_PUBLIC,
    ODC_BY,
    PUBLIC,
    RESTRICTED,
    SHENZHEN,
    Listing,
    csv_file,
    describe,
    parquet_file,
    themes,
)

NORTHWIND = "Northwind Logistics"
STEWARD = "admin@northwind-logistics.example.com"
SITE = "https://northwind-logistics.example.com/data-products"
TERMS = "https://northwind-logistics.example.com/data-products/terms"
CONTACT = {"name": "Northwind Data Products", "email": "data-products@northwind-logistics.example.com"}

LISTINGS: tuple[Listing, ...] = (
    Listing(
        "freight-volumes",
        NORTHWIND,
        STEWARD,
        describe(
            title=("Freight volumes by corridor and week", "货运走廊每周货运量"),
            description=(
                "Tonnes, TEU and shipments moved each ISO week on Northwind's road, rail, inland-waterway "
                "and sea corridors in Europe and between Europe and China, with the share delivered on time.",
                "Northwind 在欧洲境内及中欧之间公路、铁路、内河和海运走廊上每个 ISO 周的货运吨数、标准箱数、"
                "发运票数及准时交付比例。",
            ),
            keywords=(
                ["freight", "logistics", "supply chain", "corridor"],
                ["货运", "物流", "供应链", "运输走廊"],
            ),
            grade="general-2",
            data_themes=themes("TRAN", "ECON"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=RESTRICTED,
            spatial=[GERMANY, CHINA, HAMBURG, DUISBURG],
            temporal=("2026-01-01", None),
            update="WEEKLY",
            issued="2026-02-02T00:00:00Z",
            landing_page=f"{SITE}/freight-volumes",
        ),
        (
            csv_file(
                "freight-volumes-weekly.csv",
                ("Weeks 1 to 26 of 2026", "2026年第1至26周"),
                ("One row per corridor and ISO week.", "每条走廊每个 ISO 周一行。"),
                page=f"{SITE}/freight-volumes",
                licence=TERMS,
            ),
            parquet_file(
                "freight-volumes-weekly.parquet",
                ("Weeks 1 to 26 of 2026, Parquet", "2026年第1至26周（Parquet 格式）"),
                (
                    "The same rows as the CSV file, typed, in Parquet.",
                    "与 CSV 文件相同的数据行，带类型，Parquet 格式。",
                ),
                page=f"{SITE}/freight-volumes",
                licence=TERMS,
            ),
        ),
    ),
    Listing(
        "port-throughput",
        NORTHWIND,
        STEWARD,
        describe(
            title=("Container throughput by port terminal and month", "港口集装箱码头月度吞吐量"),
            description=(
                "Import, export and transshipment TEU and vessel calls per container terminal in Yantian, "
                "Shekou and Hamburg, compiled from the terminal operators' monthly reports.",
                "根据码头运营商月报汇总的盐田、蛇口和汉堡各集装箱码头的进口、出口、中转标准箱量及船舶靠泊次数。",
            ),
            keywords=(
                ["ports", "container throughput", "TEU", "shipping"],
                ["港口", "集装箱吞吐量", "标准箱", "航运"],
            ),
            grade="general-1",
            data_themes=themes("TRAN", "ECON"),
            contact=CONTACT,
            licence=ODC_BY,
            access_rights=PUBLIC,
            spatial=[CHINA, GERMANY, SHENZHEN, HAMBURG],
            temporal=("2024-01-01", "2025-12-31"),
            update="MONTHLY",
            issued="2026-01-10T00:00:00Z",
            landing_page=f"{SITE}/port-throughput",
        ),
        (
            csv_file(
                "port-container-throughput-monthly.csv",
                ("Throughput 2024 and 2025", "2024年和2025年吞吐量"),
                ("One row per terminal and month.", "每个码头每月一行。"),
                page=f"{SITE}/port-throughput",
                licence=ODC_BY,
            ),
        ),
    ),
    Listing(
        "freight-invoices",
        NORTHWIND,
        STEWARD,
        describe(
            title=("Freight invoices and payment behaviour of shippers", "托运人运费发票与付款记录"),
            description=(
                "Invoices issued to shippers with amount, payment terms, payment date and days late. The "
                "records hold VAT identifiers and bank accounts, which are masked on delivery; delivered "
                "record by record through the API.",
                "向托运人开具的运费发票，包括金额、付款条件、付款日期及逾期天数。记录包含增值税号和银行账户，"
                "交付时予以屏蔽；通过 API 按条交付。",
            ),
            keywords=(
                ["invoices", "payment behaviour", "trade credit", "financial records"],
                ["发票", "付款行为", "贸易信用", "财务记录"],
            ),
            grade="general-3",
            data_themes=themes("ECON"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=RESTRICTED,
            spatial=[GERMANY],
            temporal=("2025-07-01", "2025-12-31"),
            update="DAILY",
            issued="2026-01-15T00:00:00Z",
            landing_page=f"{SITE}/freight-invoices",
        ),
        (
            csv_file(
                "freight-invoices.csv",
                ("Invoices, second half of 2025", "2025年下半年发票"),
                ("One row per invoice.", "每张发票一行。"),
                page=f"{SITE}/freight-invoices",
                licence=TERMS,
            ),
        ),
    ),
    Listing(
        "driver-fatigue",
        NORTHWIND,
        STEWARD,
        describe(
            title=("Driver fatigue events from in-cab monitoring", "驾驶室监测的驾驶员疲劳事件"),
            description=(
                "Fatigue events (yawning, eye closure, microsleep, head nodding, lane drift) detected by "
                "in-cab cameras and wearables, with heart rate and PERCLOS, per pseudonymised driver, depot "
                "and age band. Biometric data is sensitive personal information: aggregate queries only.",
                "由驾驶室摄像头和可穿戴设备检测到的疲劳事件（打哈欠、闭眼、微睡眠、点头、车道偏离），"
                "含心率和 PERCLOS 指标，按化名驾驶员、车场和年龄段记录。"
                "生物识别数据属于敏感个人信息，仅支持聚合查询。",
            ),
            keywords=(
                ["road safety", "driver fatigue", "telematics", "biometrics"],
                ["道路安全", "驾驶疲劳", "车载信息", "生物识别"],
            ),
            grade="general-4",
            personal_info="sensitive",
            data_themes=themes("TRAN", "HEAL"),
            contact=CONTACT,
            licence=TERMS,
            access_rights=NON_PUBLIC,
            spatial=[GERMANY],
            temporal=("2026-01-01", None),
            update="DAILY",
            issued="2026-02-15T00:00:00Z",
            landing_page=f"{SITE}/driver-fatigue",
        ),
        (
            csv_file(
                "driver-fatigue-events.csv",
                ("Events for aggregate queries", "供聚合查询的事件数据"),
                ("One row per detected event.", "每个检测到的事件一行。"),
                page=f"{SITE}/driver-fatigue",
                licence=TERMS,
            ),
            parquet_file(
                "driver-fatigue-events.parquet",
                ("Events for aggregate queries, Parquet", "供聚合查询的事件数据（Parquet 格式）"),
                (
                    "The same rows as the CSV file, typed, in Parquet.",
                    "与 CSV 文件相同的数据行，带类型，Parquet 格式。",
                ),
                page=f"{SITE}/driver-fatigue",
                licence=TERMS,
            ),
        ),
    ),
)
