"""Web fixtures: a small multilingual corpus, an app over a temp store, and an in-process ASGI client."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from babelwire.web import create_app

TOKEN = "test-write-token"

# Three events, each reported in two or three languages (the stories the fake encoder forms).
CORPUS: list[dict[str, Any]] = [
    {"id": "call-bg", "lang": "bg", "published": "2022-02-01T18:02:00", "url": "https://bg.example.com/world/1",
     "title": "Блинкън и Лавров разговаряха по телефона",
     "text": "Държавният секретар Антъни Блинкън разговаря по телефона с Сергей Лавров.\n"
             "Блинкън поиска Русия да изтегли войските от границата с Украйна, каза Държавният департамент."},
    {"id": "call-az", "lang": "az", "published": "2022-02-02T10:02:00", "url": "https://az.example.net/xeber/2",
     "title": "Blinken Lavrovla telefon danışığında qoşunları çəkməyi tələb edib",
     "text": "Antoni Blinken Sergey Lavrovla telefonla danışıb.\n"
             "Blinken Ukrayna sərhədindəki Rusiya qoşunlarının geri çəkilməsini istəyib, Dövlət Departamenti bildirib."},
    {"id": "call-ru", "lang": "ru", "published": "2022-02-01T20:15:00", "url": "https://ru.example.org/news/3",
     "title": "Блинкен и Лавров провели телефонный разговор",
     "text": "Антони Блинкен в телефонном разговоре с Сергеем Лавровым потребовал отвести войска от границы Украины.\n"
             "Госдепартамент сообщил, что разговор длился около 30 минут."},
    {"id": "flood-es", "lang": "es", "published": "2022-03-10", "url": "https://es.example.com/valencia",
     "title": "Inundaciones en Valencia obligan a evacuar a miles",
     "text": "Las lluvias torrenciales inundaron Valencia y Alzira el jueves.\n"
             "Protección Civil evacuó a tres mil vecinos de Alzira y Algemesí."},
    {"id": "flood-en", "lang": "en", "published": "2022-03-10", "url": "https://en.example.com/spain-floods",
     "title": "Floods in Valencia force thousands to evacuate",
     "text": "Torrential rain flooded Valencia and Alzira on Thursday.\n"
             "Civil Protection evacuated three thousand residents of Alzira and Algemesí."},
    {"id": "rate-de", "lang": "de", "published": "2022-04-14", "url": "https://de.example.com/ezb",
     "title": "EZB belässt Leitzins bei null Prozent",
     "text": "Die Europäische Zentralbank (EZB) unter Christine Lagarde belässt den Leitzins bei null Prozent.\n"
             "Lagarde sagte in Frankfurt, die Inflation bleibe hoch."},
    {"id": "rate-fr", "lang": "fr", "published": "2022-04-14", "url": "https://fr.example.com/bce",
     "title": "La BCE maintient son taux directeur à zéro",
     "text": "La Banque centrale européenne (BCE) de Christine Lagarde maintient son taux directeur à zéro.\n"
             "Lagarde a déclaré à Francfort que l'inflation restait élevée."},
]
EVENTS = {"call": {"call-bg", "call-az", "call-ru"}, "flood": {"flood-es", "flood-en"}, "rate": {"rate-de", "rate-fr"}}

# Untrusted content that must never run: a title and a body with script, an onerror image and javascript: links.
HOSTILE = {
    "id": "hostile",
    "title": "<script>window.__pwned = 'title'</script>Blinken <img src=x onerror=\"window.__pwned='img'\">",
    "text": "Lavrov said <script>window.__pwned = 'body'</script> nothing.\n"
            "<img src=x onerror=\"window.__pwned='body-img'\"> Read <a href=\"javascript:window.__pwned='link'\">more</a>.\n"
            "<svg onload=\"window.__pwned='svg'\"></svg> Blinken and Lavrov spoke by telefon.",
    "url": "javascript:window.__pwned='url'",
    "source": "<b>evil</b>",
    "lang": "en\" onmouseover=\"window.__pwned='lang'",
    "published": "2022-02-01",
}


class ASGIClient:
    """A synchronous face on httpx's in-process ASGI transport (no server, no network)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, url, **kw)

        return asyncio.run(go())

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_client(db_path):
    """Return a factory of clients over apps on the test store; every app is closed afterwards."""
    apps = []

    def make(**kw: Any) -> ASGIClient:
        kw.setdefault("token", TOKEN)
        kw.setdefault("encoder", "fake")
        app = create_app(db_path, **kw)
        apps.append(app)
        return ASGIClient(app)

    yield make
    for app in apps:
        app.state.babelwire.close()


@pytest.fixture
def client(make_client) -> ASGIClient:
    return make_client()


@pytest.fixture
def corpus_client(client) -> ASGIClient:
    """A client whose store holds CORPUS (ingested through POST /api/articles)."""
    r = client.post("/api/articles", json=CORPUS, headers=auth())
    assert r.status_code == 201, r.text
    return client


@pytest.fixture
def corpus() -> list[dict[str, Any]]:
    return [dict(r) for r in CORPUS]


@pytest.fixture
def events() -> dict[str, set[str]]:
    return EVENTS


@pytest.fixture
def hostile() -> dict[str, str]:
    return dict(HOSTILE)


@pytest.fixture
def headers() -> dict[str, str]:
    """The Authorization header with the write token."""
    return auth()
