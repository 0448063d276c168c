"""`manage.py import_cluster FILE --name NEW`: make a new (paused) cluster from a snapshot file or a library
scenario."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cluster_engine.api.errors import ApiError
from lab.snapshots.library import BY_SLUG
from lab.snapshots.reading import import_snapshot


class Command(BaseCommand):
    help = "Import a snapshot (from export_cluster or the scenario library) as a new cluster, paused."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("file", nargs="?", help="a snapshot file ('-' for standard input)")
        source.add_argument("--scenario", choices=sorted(BY_SLUG), help="a prepared snapshot from the library")
        parser.add_argument("--name", required=True, help="the new cluster's name")

    def handle(self, *args, file, scenario, name, **options):
        if scenario is not None:
            content = BY_SLUG[scenario].read()
        elif file == "-":
            content = sys.stdin.buffer.read()
        else:
            try:
                content = Path(file).read_bytes()
            except OSError as problem:
                raise CommandError(f"cannot read {file}: {problem.strerror}") from None
        try:
            cluster = import_snapshot(name, content)
        except ApiError as refusal:
            raise CommandError(f"Error from server ({refusal.reason}): {refusal.message}") from None
        self.stdout.write(f'Imported cluster "{cluster.name}" ({cluster.resource_version} objects), paused.')
