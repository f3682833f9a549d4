"""Indexes for the directory's orders: name (with the id, so deep pages read the index alone),
most members (also a common word's candidates) and most recently affiliated."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('affiliates', '0012_facet_counts'),
        ('regions', '0004_drop_simple_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='affiliate',
            name='affiliate_status_name',
        ),
        migrations.RemoveIndex(
            model_name='affiliate',
            name='affiliate_public_members',
        ),
        migrations.AddIndex(
            model_name='affiliate',
            index=models.Index(fields=['status', 'name', 'id'], name='affiliate_status_name_id'),
        ),
        migrations.AddIndex(
            model_name='affiliate',
            index=models.Index(models.OrderBy(models.F('members_total'), descending=True), models.F('name'), models.F('id'), condition=models.Q(('status', 'affiliated')), name='affiliate_public_members'),
        ),
        migrations.AddIndex(
            model_name='affiliate',
            index=models.Index(models.OrderBy(models.F('affiliated_on'), descending=True, nulls_last=True), models.F('name'), models.F('id'), condition=models.Q(('status', 'affiliated')), name='affiliate_public_affiliated'),
        ),
    ]
