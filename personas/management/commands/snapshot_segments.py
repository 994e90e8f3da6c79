"""Record every segment's size for today, for the trend charts: run it once a day.

    manage.py snapshot_segments            # e.g. from cron: 5 0 * * *

Saving a segment and opening it record the day's size too; this fills in the days nobody
did. Running it twice in a day overwrites the day's point with the newer count."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from personas.services import segments_snapshot_all


class Command(BaseCommand):
    help = "Record every segment's size for today (one point per segment and day)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = segments_snapshot_all()
        self.stdout.write(f"recorded today's size of {count} segment(s)")
