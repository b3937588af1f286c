"""The demo's organisations, people and OAuth clients."""

from __future__ import annotations

from typing import Any

CLIENT_REDIRECT_URI = "http://127.0.0.1:8765/callback"

_CONSUMER_CLIENT = {
    "client_type": "confidential",
    "grant_types": ["client_credentials", "authorization_code", "refresh_token"],
    "redirect_uris": [CLIENT_REDIRECT_URI],
}

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "name": "Harbour Data Exchange",
        "kind": "operator",
        "jurisdiction": "CN",
        "publisher_type": "Company",
        "homepage": "https://exchange.example.org/",
        "email": "operations@exchange.example.org",
        "users": [
            {
                "email": "ops@exchange.example.org",
                "name": "Wen Operator",
                "roles": ["admin", "reviewer", "finance"],
            },
            {"email": "review@exchange.example.org", "name": "Rui Reviewer", "roles": ["reviewer"]},
        ],
        "clients": [
            {
                "name": "Exchange back office",
                "client_type": "confidential",
                "grant_types": ["client_credentials"],
                "is_resource_server": True,
            }
        ],
    },
    {
        "name": "Shenzhen Municipal Open Data Bureau",
        "kind": "provider",
        "jurisdiction": "CN",
        "publisher_type": "LocalAuthority",
        "homepage": "https://opendata.sz.example.gov/",
        "email": "data@opendata.sz.example.gov",
        "users": [
            {"email": "admin@opendata.sz.example.gov", "name": "Lin Admin", "roles": ["admin", "steward"]},
            {"email": "steward@opendata.sz.example.gov", "name": "Zhou Steward", "roles": ["steward"]},
        ],
        "clients": [{"name": "Bureau publishing pipeline", "grant_types": ["client_credentials"]}],
    },
    {
        "name": "Northwind Logistics",
        "kind": "provider",
        "jurisdiction": "DE",
        "publisher_type": "Company",
        "homepage": "https://northwind-logistics.example.com/",
        "email": "data-products@northwind-logistics.example.com",
        "users": [
            {
                "email": "admin@northwind-logistics.example.com",
                "name": "Greta Admin",
                "roles": ["admin", "steward", "finance"],
            },
        ],
        "clients": [{"name": "Northwind catalog sync", "grant_types": ["client_credentials"]}],
    },
    {
        "name": "Qianhai Mobility Data Co.",
        "kind": "provider",
        "jurisdiction": "CN",
        "publisher_type": "Company",
        "homepage": "https://mobility.qianhai.example.cn/",
        "email": "bd@mobility.qianhai.example.cn",
        "users": [
            {
                "email": "admin@mobility.qianhai.example.cn",
                "name": "Chen Admin",
                "roles": ["admin", "steward", "finance"],
            },
        ],
        "clients": [{"name": "Qianhai catalog sync", "grant_types": ["client_credentials"]}],
    },
    {
        "name": "Lumen Analytics",
        "kind": "consumer",
        "jurisdiction": "CN",
        "publisher_type": "Company",
        "homepage": "https://lumen-analytics.example.cn/",
        "email": "data@lumen-analytics.example.cn",
        "users": [
            {
                "email": "admin@lumen-analytics.example.cn",
                "name": "Ma Admin",
                "roles": ["admin", "buyer", "finance"],
            },
            {
                "email": "analyst@lumen-analytics.example.cn",
                "name": "Xu Analyst",
                "roles": ["buyer", "viewer"],
            },
        ],
        "clients": [{"name": "Lumen data pipeline", **_CONSUMER_CLIENT}],
    },
    {
        "name": "Atlas Mutual Insurance",
        "kind": "consumer",
        "jurisdiction": "DE",
        "publisher_type": "Company",
        "homepage": "https://atlas-mutual.example.de/",
        "email": "data-office@atlas-mutual.example.de",
        "users": [
            {
                "email": "admin@atlas-mutual.example.de",
                "name": "Jonas Admin",
                "roles": ["admin", "buyer", "finance"],
            },
        ],
        "clients": [{"name": "Atlas risk models", **_CONSUMER_CLIENT}],
    },
]
