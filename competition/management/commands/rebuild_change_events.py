"""Derive the change feed again from the whole audit trail (competition.changes.services.change_events_rebuild)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from competition.changes.derive import SOURCES
from competition.changes.services import change_events_rebuild


class Command(BaseCommand):
    help = "Derive every change event again from the history records (idempotent; events keep their ids)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", action="append", choices=sorted(SOURCES), help="Only this history (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        stored = change_events_rebuild(model_labels=options.get("model"))
        self.stdout.write(self.style.SUCCESS(f"{stored} change events derived from the audit trail."))
