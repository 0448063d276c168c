"""A live lab for the kubectl tests: migrate, seed the demo cluster, serve HTTPS with Daphne, run the control plane.

Run as `python -m tests.kubectl.server TLS_PORT SPEED` with KUBELAB_VAR_DIR pointing at a scratch directory; it
prints "ready" once it listens.
"""

import os
import sys


def main() -> None:
    tls_port, speed = int(sys.argv[1]), float(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab.settings")
    import django

    django.setup()
    from daphne.server import Server
    from django.core.management import call_command

    from lab.asgi import application
    from lab.demo import create_demo_cluster
    from lab.engine_host import start_in_process
    from lab.kubeapi import tls
    from lab.models import Cluster

    call_command("migrate", interactive=False, verbosity=0)
    if not Cluster.objects.filter(name="demo").exists():
        create_demo_cluster()
    Cluster.objects.filter(name="demo").update(speed=speed)

    def ready() -> None:
        start_in_process()
        print("ready", flush=True)

    Server(
        application=application, endpoints=[tls.endpoint(tls_port)], ready_callable=ready, signal_handlers=True
    ).run()


if __name__ == "__main__":
    main()
