"""kubectl's own use of our OpenAPI documents: `explain`, and where it leaves validation to the server."""

from .test_kubectl import DOCS_DEPLOYMENT


def test_explain_a_field_of_a_deployment(kubectl):
    done = kubectl("explain", "deployment.spec.strategy", "-v=6")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: strategy <DeploymentStrategy>"
    )
    assert "The deployment strategy to use to replace existing pods with new ones." in done.stdout
    assert "  rollingUpdate\t<RollingUpdateDeployment>\n" in done.stdout
    assert "  type\t<string>\n" in done.stdout
    assert "/openapi/v3/apis/apps/v1?hash=" in done.stderr
    assert "/openapi/v2" not in done.stderr  # explain reads v3 only


def test_explain_pod_containers_recursively(kubectl):
    done = kubectl("explain", "pods.spec.containers", "--recursive")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>")
    for line in (
        "  name\t<string> -required-",
        "  ports\t<[]ContainerPort>",
        "    containerPort\t<integer> -required-",
        "  resources\t<ResourceRequirements>",
        "    limits\t<map[string]Quantity>",
        "    httpGet\t<HTTPGetAction>",
        "      port\t<IntOrString> -required-",
    ):
        assert f"\n{line}\n" in done.stdout, line


def test_explain_the_simulators_own_kind(kubectl):
    done = kubectl("explain", "controlplanecomponents.spec")
    assert done.returncode == 0, done.stderr
    assert "GROUP:      kubelab.io\nKIND:       ControlPlaneComponent\nVERSION:    v1alpha1" in done.stdout
    assert "  nodeName\t<string>\n" in done.stdout


def test_explain_an_unknown_field_is_refused_by_kubectl(kubectl):
    done = kubectl("explain", "deployment.spec.bogus")
    assert done.returncode != 0
    assert done.stderr.strip() == 'error: field "bogus" does not exist'


def test_strict_validation_is_left_to_the_server_as_upstream_advertises(kubectl):
    """Our PATCH operations declare `fieldValidation`, as upstream's do, so kubectl sends fieldValidation=Strict
    instead of validating on its own: the unknown field is refused by the server's strict decoding."""
    bogus = DOCS_DEPLOYMENT.format(replicas=1).replace("nginx-deployment", "strict-bogus")
    refused = kubectl(
        "apply", "--validate=strict", "-f", "-", "-v=6", stdin=bogus.replace("  replicas:", "  replica: 1\n  replicas:")
    )
    assert refused.returncode != 0
    assert "fieldValidation=Strict" in refused.stderr
    assert refused.stderr.strip().endswith(
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled '
        'as a Deployment: strict decoding error: unknown field "spec.replica"'
    )
    applied = kubectl("apply", "--validate=strict", "-f", "-", stdin=bogus)
    assert applied.stdout.strip() == "deployment.apps/strict-bogus created", applied.stderr
    changed = kubectl(
        "apply", "--validate=strict", "-f", "-", "-v=8", stdin=bogus.replace("nginx:1.14.2", "nginx:1.16.1")
    )
    assert "deployment.apps/strict-bogus configured" in changed.stdout, changed.stderr
    assert "Content-Type: application/strategic-merge-patch+json" in changed.stderr
    assert "warning" not in changed.stderr  # the patch was computed from the served schemas without trouble
    assert "/openapi/v2" not in changed.stderr
    image = kubectl("get", "deployment", "strict-bogus", "-o", "jsonpath={.spec.template.spec.containers[*].image}")
    assert image.stdout == "nginx:1.16.1"
