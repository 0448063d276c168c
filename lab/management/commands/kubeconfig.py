"""`manage.py kubeconfig CLUSTER`: print a kubeconfig for the real kubectl, like `az aks get-credentials`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lab.kubeapi import auth
from lab.kubeapi.kubeconfig import kubeconfig
from lab.models import Cluster


class Command(BaseCommand):
    help = "Print a kubeconfig for a cluster (save it and point KUBECONFIG at it, or pass --kubeconfig)."

    def add_arguments(self, parser):
        parser.add_argument("cluster", help="the cluster's name, e.g. demo")
        parser.add_argument(
            "--role", choices=auth.ROLES, default=auth.ADMIN, help="admin (default) or view (read-only)"
        )
        parser.add_argument(
            "--server",
            default=f"https://127.0.0.1:{settings.KUBE_API_PORT}",
            help="the lab's kube API, as runlab serves it (default %(default)s)",
        )

    def handle(self, *args, cluster, role, server, **options):
        found = Cluster.objects.filter(name=cluster).first()
        if found is None:
            names = ", ".join(Cluster.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f'No cluster named "{cluster}" (clusters: {names}).')
        self.stdout.write(kubeconfig(found, role, server), ending="")
