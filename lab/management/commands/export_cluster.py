"""`manage.py export_cluster NAME [-o FILE]`: write a cluster's snapshot, a YAML List kubectl accepts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lab.models import Cluster
from lab.snapshots.export import export_cluster


class Command(BaseCommand):
    help = "Export a cluster (every object, its clock and faults) as a snapshot file; import it with import_cluster."

    def add_arguments(self, parser):
        parser.add_argument("cluster", help="the cluster's name, e.g. demo")
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def handle(self, *args, cluster, output, **options):
        found = Cluster.objects.filter(name=cluster).first()
        if found is None:
            names = ", ".join(Cluster.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f'No cluster named "{cluster}" (clusters: {names}).')
        text = export_cluster(found)
        if output is None:
            self.stdout.write(text, ending="")
            return
        Path(output).write_text(text)
        self.stderr.write(f'Exported cluster "{found.name}" to {output}.')
