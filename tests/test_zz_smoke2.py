import pytest
from tests.conftest import make_writer
pytestmark = pytest.mark.django_db

def test_smoke(client):
    c = make_writer("wang")
    from tidings.api.tokens import create_token
    secret, _ = create_token(c.user, "t")
    h = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    r = client.post("/api/v1/articles", {"title": "hi", "body_md": "x", "publish": True}, content_type="application/json", **h)
    print(r.status_code, r.json())
    r = client.get("/api/v1/articles")
    print(r.status_code, r.json()["count"])
    aid = r.json()["items"][0]["id"]
    r = client.put(f"/api/v1/articles/{aid}", {"title": "hi2", "body_md": "y", "version": 1}, content_type="application/json", **h)
    print(r.status_code, r.json())
    r = client.get(f"/api/v1/articles/{aid}")
    print(r.status_code, r.json()["title"])
    r = client.post("/api/v1/articles", {"title": "hi", "references": [{"title": "a", "url": "javascript:x"}]}, content_type="application/json", **h)
    print(r.status_code, r.json())
    r = client.post("/api/v1/articles", {"title": 5, "tags": "x"}, content_type="application/json", **h)
    print(r.status_code, r.json())
    r = client.post("/api/v1/articles", {"title": "x"}, content_type="application/json")
    print(r.status_code, r.json())
    r = client.delete(f"/api/v1/articles/{aid}", **h)
    print(r.status_code)
    r = client.get(f"/api/v1/articles/{aid}")
    print(r.status_code)
    s = client.get("/api/v1/openapi.json").json()
    print(list(s["paths"]))
