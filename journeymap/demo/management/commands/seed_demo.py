"""`manage.py seed_demo`: load the demo workspace, users and maps (idempotent).

With DEBUG off it refuses, creates nothing and exits with status 1: the demo users have
well-known passwords.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from journeymap.demo.seed import DemoRefused, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo workspace (Northwind Outfitters), its personas, segments, customers, "
        "features and journey maps, and the users demo, viewer and outsider (password = "
        "username). Safe to run again: it only adds what is missing. Needs DEBUG on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = seed_demo()
        except DemoRefused as refused:
            raise CommandError(str(refused)) from None
        if not created:
            self.stdout.write("Demo data already present; nothing to do.")
            return
        summary = ", ".join(f"{count} {model}" for model, count in sorted(created.items()))
        self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))
        self.stdout.write("Sign in as demo/demo (owner), viewer/viewer or outsider/outsider.")
