"""Sector names in the 17 languages (django-modeltranslation: name_en, name_fr, ...; Indonesian's
is name_ind), the English filled from the name as it was; the affiliates' sector names in the
other languages, searched with the rest (search_vector rebuilt to cover them)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def english_from_original(apps, schema_editor):
    Sector = apps.get_model("affiliates", "Sector")
    Sector.objects.filter(name_en__isnull=True).update(name_en=models.F("name"))


class Migration(migrations.Migration):

    dependencies = [
        ('affiliates', '0010_details_confirmed_on_and_reminders'),
    ]

    operations = [
        migrations.AddField(
            model_name='affiliate',
            name='sector_names_translated',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='sectors in other languages'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_bn',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_en',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_es',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_fil',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_fr',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_hi',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_ind',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_km',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_lo',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_ne',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_pt',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_ru',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_sw',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_ta',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_th',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_ur',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_vi',
            field=models.CharField(max_length=80, null=True, unique=True, verbose_name='name'),
        ),
        # A generated column's expression cannot be altered: drop it (and its index) and add it
        # again with the translated sector names; PostgreSQL computes it for every row.
        migrations.RemoveIndex(model_name='affiliate', name='affiliate_search_vector'),
        migrations.RemoveField(model_name='affiliate', name='search_vector'),
        migrations.AddField(
            model_name='affiliate',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector(models.Func(models.F('name'), function='hn_lower', output_field=models.TextField()), models.Func(models.F('acronym'), function='hn_lower', output_field=models.TextField()), config='hn_search', weight='A'), '||', django.contrib.postgres.search.SearchVector(models.Func(models.F('city'), function='hn_lower', output_field=models.TextField()), models.Func(models.F('sector_names'), function='hn_lower', output_field=models.TextField()), models.Func(models.F('sector_names_translated'), function='hn_lower', output_field=models.TextField()), config='hn_search', weight='B'), django.contrib.postgres.search.SearchConfig('hn_search')), '||', django.contrib.postgres.search.SearchVector(models.Func(models.F('description'), function='hn_lower', output_field=models.TextField()), config='hn_search', weight='C'), django.contrib.postgres.search.SearchConfig('hn_search')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='affiliate',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='affiliate_search_vector'),
        ),
        migrations.RunPython(english_from_original, migrations.RunPython.noop),
    ]
