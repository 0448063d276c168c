"""`manage.py seed_demo`: create the tutorial cluster (or another named one) through the operator's API server."""

from django.core.management.base import BaseCommand, CommandError

from lab.demo import DEMO_NAME, create_demo_cluster
from lab.models import Cluster, Topology


class Command(BaseCommand):
    help = "Create a demo cluster: control plane, three workers, a 3-replica web Deployment behind a Service."

    def add_arguments(self, parser):
        parser.add_argument("--topology", choices=Topology.values, default=Topology.SINGLE)
        parser.add_argument("--name", default=DEMO_NAME)
        parser.add_argument("--seed", type=int, default=0, help="seeds the control plane's random choices")

    def handle(self, *args, name, topology, seed, **options):
        if Cluster.objects.filter(name=name).exists():
            raise CommandError(
                f'A cluster named "{name}" already exists; pick another --name or delete it in the admin.'
            )
        cluster = create_demo_cluster(name=name, topology=topology, seed=seed)
        self.stdout.write(f'Created cluster "{cluster.name}" ({cluster.get_topology_display()}).')
