"""The kubeconfig page: instructions and a download, as a cloud console offers "get credentials".

Staff (instructors, admins) receive an admin kubeconfig; everyone else a read-only one (`view`), so a classroom can
hand out the demo cluster's page without handing out the power to change it.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render

from ..models import Cluster
from . import auth
from .kubeconfig import kubeconfig


def kubeconfig_page(request, cluster: str):
    found = Cluster.objects.filter(name=cluster).first()
    if found is None:
        raise Http404(f'No cluster named "{cluster}".')
    role = auth.ADMIN if request.user.is_staff else auth.VIEW
    base = f"https://{request.get_host().rsplit(':', 1)[0]}:{settings.KUBE_API_PORT}"
    if request.GET.get("download"):
        response = HttpResponse(kubeconfig(found, role, base), content_type="application/yaml")
        response["Content-Disposition"] = f'attachment; filename="kubelab-{found.name}.kubeconfig"'
        return response
    return render(request, "kubeapi/kubeconfig.html", {"cluster": found, "role": role, "server": base})
