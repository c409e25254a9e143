from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    PlatformNotice = apps.get_model("web", "PlatformNotice")
    if not PlatformNotice.objects.exists():
        PlatformNotice.objects.create()


class Migration(migrations.Migration):
    dependencies = [("web", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
