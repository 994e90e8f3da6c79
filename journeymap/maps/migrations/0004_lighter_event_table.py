"""The event table loses its secondary indexes and foreign-key constraints (see
`JourneyEvent`): reads go through each import's event id range. The map column goes (an
event's import names its map), and the touchpoint becomes a plain id, keeping every value."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0003_event_logs"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="journeyevent", name="event_touchpoint"),
        migrations.RemoveIndex(model_name="journeyevent", name="event_case"),
        migrations.AddField(
            model_name="eventimport",
            name="first_event_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="eventimport",
            name="last_event_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        # Imports stored before this migration: their range is every id they hold.
        migrations.RunSQL(
            "UPDATE maps_eventimport SET "
            "first_event_id = (SELECT MIN(e.id) FROM maps_journeyevent e "
            "WHERE e.event_import_id = maps_eventimport.id), "
            "last_event_id = (SELECT MAX(e.id) FROM maps_journeyevent e "
            "WHERE e.event_import_id = maps_eventimport.id)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveField(model_name="journeyevent", name="map"),
        migrations.AlterField(
            model_name="journeyevent",
            name="event_import",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="maps.eventimport",
            ),
        ),
        # Drop the constraint and index, keeping the column and its values ...
        migrations.AlterField(
            model_name="journeyevent",
            name="touchpoint",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="maps.touchpoint",
            ),
        ),
        # ... then call it what it now is: the same uuid column, as a plain field.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="journeyevent", name="touchpoint"),
                migrations.AddField(
                    model_name="journeyevent",
                    name="touchpoint_id",
                    field=models.UUIDField(null=True),
                ),
            ],
        ),
    ]
