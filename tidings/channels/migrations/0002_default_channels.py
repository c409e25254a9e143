"""The channels of the spec: six 要闻 boxes and five 态度原创 tabs (editable in the admin)."""

from django.db import migrations

DEFAULT_CHANNELS = [
    # slug, name, English name, kind, order, in 要闻 boxes
    ("news", "头条", "Headlines", "news", 10, True),
    ("sports", "体育", "Sports", "news", 20, True),
    ("ent", "娱乐", "Entertainment", "news", 30, True),
    ("money", "财经", "Finance", "news", 40, True),
    ("tech", "科技", "Technology", "news", 50, True),
    ("auto", "汽车", "Autos", "news", 60, True),
    ("edu", "教育", "Education", "originals", 110, False),
    ("baby", "亲子", "Parenting", "originals", 120, False),
    ("art", "艺术", "Art", "originals", 130, False),
    ("mobile", "手机", "Mobile", "originals", 140, False),
    ("open", "公开课", "Open courses", "originals", 150, False),
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    Channel = apps.get_model("channels", "Channel")
    for slug, name, name_en, kind, order, in_boxes in DEFAULT_CHANNELS:
        Channel.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "kind": kind, "order": order, "in_boxes": in_boxes}
        )


class Migration(migrations.Migration):
    dependencies = [("channels", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
