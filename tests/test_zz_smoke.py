import pytest
from tests.conftest import make_writer
pytestmark = pytest.mark.django_db

def test_smoke(client):
    c = make_writer("wang")
    client.force_login(c.user)
    r = client.get("/studio/"); assert r.status_code == 200, r.content[:500]
    r = client.get("/studio/new/"); assert r.status_code == 200
    r = client.post("/studio/new/", {"title": "你好<script>x</script>", "body_md": "## 小标题\n\n正文", "channel": "news", "tags": "a, b", "ref_count": "2", "ref_title_0": "报告", "ref_source_0": "某院", "ref_date_0": "2024-01-10", "ref_url_0": "javascript:alert(1)", "action": "save"})
    print(r.status_code, r.content.decode()[:3000] if r.status_code != 302 else r["Location"])
    r = client.post("/studio/new/", {"title": "你好<script>x</script>", "body_md": "## 小标题\n\n正文", "channel": "news", "tags": "a, b", "ref_count": "2", "ref_title_0": "报告", "ref_source_0": "某院", "ref_date_0": "2024-01-10", "action": "publish"})
    print(r.status_code, r["Location"])
    r = client.get(r["Location"]); assert r.status_code == 200
    from tidings.articles.models import Article
    a = Article.objects.get()
    print(a.title, a.status, a.version, a.revisions.count())
    for u in ["/studio/", f"/studio/a/{a.pk}/view/", f"/studio/a/{a.pk}/revisions/", f"/studio/a/{a.pk}/revisions/1/", "/studio/tokens/", f"/studio/a/{a.pk}/delete/", f"/a/{a.pk}/"]:
        r = client.get(u); assert r.status_code == 200, (u, r.content[:1000])
    r = client.post("/studio/tokens/", {"name": "脚本"}); assert r.status_code == 200
