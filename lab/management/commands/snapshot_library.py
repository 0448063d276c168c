"""`manage.py snapshot_library`: write the scenario library's snapshots again from their generators."""

from django.core.management.base import BaseCommand

from lab.snapshots.library import write_library


class Command(BaseCommand):
    help = "Regenerate the prepared snapshots in lab/snapshot_library/ by running each scenario's simulation."

    def handle(self, *args, **options):
        for path in write_library():
            self.stdout.write(f"Wrote {path.name}.")
