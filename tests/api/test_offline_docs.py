"""/docs and /redoc load Swagger UI and ReDoc from this server, never from a CDN (plant networks have no internet)."""

from __future__ import annotations

import re

from tests.api.conftest import Api

URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\s*:\s*["']([^"']+)["']|https?://[^\s"'<>]+""")


def _urls(html: str) -> list[str]:
    return [next(g for g in m.groups() if g) if any(m.groups()) else m.group(0) for m in URL.finditer(html)]


def test_docs_pages_reference_only_local_assets(api: Api) -> None:
    for page in ("/docs", "/redoc"):
        r = api.client.get(page)
        assert r.status_code == 200 and "<html" in r.text.lower()
        urls = _urls(r.text)
        assert urls, f"{page} references its assets"
        external = [u for u in urls if re.match(r"(https?:)?//", u)]
        assert external == [], f"{page} loads from the internet: {external}"
        for url in urls:
            if url.startswith("/docs-assets/"):
                asset = api.client.get(url)
                assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert "swagger-ui-bundle.js" in api.client.get("/docs").text
    assert "redoc.standalone.js" in api.client.get("/redoc").text
    assert api.client.get("/openapi.json").json()["info"]["title"] == "Industrial AI Copilot"
