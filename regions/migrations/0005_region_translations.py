"""Region names and descriptions in the 17 languages (django-modeltranslation: name_en, name_fr,
...; Indonesian's is name_ind), the English filled from the texts as they were."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def english_from_original(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Region.objects.filter(name_en__isnull=True).update(
        name_en=models.F("name"), description_en=models.F("description")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0004_drop_simple_history'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='region',
            name='update_update',
        ),
        migrations.AddField(
            model_name='region',
            name='description_bn',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_es',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_fil',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_fr',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_hi',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_ind',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_km',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_lo',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_ne',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_pt',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_ru',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_sw',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_ta',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_th',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_ur',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='description_vi',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_bn',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_en',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_es',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_fil',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_fr',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_hi',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_ind',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_km',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_lo',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_ne',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_pt',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_ru',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_sw',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_ta',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_th',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_ur',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_vi',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='region',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "regions_regionevent" ("description", "display_order", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "short_name", "slug", "website") SELECT new_values."description", new_values."display_order", new_values."id", new_values."name", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', new_values."id", new_values."short_name", new_values."slug", new_values."website" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."description" IS DISTINCT FROM (new_values."description") OR old_values."display_order" IS DISTINCT FROM (new_values."display_order") OR old_values."id" IS DISTINCT FROM (new_values."id") OR old_values."name" IS DISTINCT FROM (new_values."name") OR old_values."short_name" IS DISTINCT FROM (new_values."short_name") OR old_values."slug" IS DISTINCT FROM (new_values."slug") OR old_values."website" IS DISTINCT FROM (new_values."website")) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='9c9c13b2d1cca505fe99cfcb98a49104ce0c6a3f', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_ce801', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='regions_region', when='AFTER')),
        ),
        migrations.RunPython(english_from_original, migrations.RunPython.noop),
    ]
