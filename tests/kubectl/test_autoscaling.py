"""EndpointSlices, `kubectl top` and a HorizontalPodAutoscaler with the real kubectl, as the Kubernetes
documentation's HPA walkthrough goes (php-apache), the load set with the lab's `kubelab.io/cpu-load` annotation."""

from kubernetes import client

from .test_kubectl import rows

PHP_APACHE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
"""


def ok(done):
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_for(kubectl, resource: str, field: str, value) -> None:
    ok(kubectl("wait", f"--for=jsonpath={{{field}}}={value}", resource, "--timeout=90s"))


def test_endpointslices_top_and_autoscale_up_under_load_then_down_after_the_window(kubectl):
    ok(kubectl("apply", "-f", "-", stdin=PHP_APACHE))
    wait_for(kubectl, "deployment/php-apache", ".status.readyReplicas", 1)
    pod_ip = ok(kubectl("get", "pods", "-l", "run=php-apache", "-o", "jsonpath={.items[0].status.podIP}"))

    # the EndpointSlice controller's slice beside the Endpoints, owned by the Service
    table = rows(ok(kubectl("get", "endpointslices", "-l", "kubernetes.io/service-name=php-apache")))
    assert table[0] == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    assert table[1][0].startswith("php-apache-") and table[1][1:4] == ["IPv4", "80", pod_ip]
    owner = ok(kubectl("get", "endpointslice", table[1][0], "-o", "jsonpath={.metadata.ownerReferences[0].kind}"))
    assert owner == "Service"

    # metrics-server's numbers for an idle pod: 2m of CPU
    top = rows(ok(kubectl("top", "pods", "-l", "run=php-apache")))
    assert top[0] == ["NAME", "CPU(cores)", "MEMORY(bytes)"] and top[1][1] == "2m"
    nodes = rows(ok(kubectl("top", "nodes")))
    assert nodes[0][:3] == ["NAME", "CPU(cores)", "CPU(%)"]
    assert {row[0] for row in nodes[1:]} >= {"worker-1", "worker-2", "worker-3"}

    autoscaled = ok(kubectl("autoscale", "deployment", "php-apache", "--cpu=50%", "--min=1", "--max=10"))
    assert autoscaled.strip() == "horizontalpodautoscaler.autoscaling/php-apache autoscaled"
    wait_for(kubectl, "hpa/php-apache", ".status.currentMetrics[0].resource.current.averageUtilization", 1)
    table = rows(ok(kubectl("get", "hpa", "php-apache")))
    assert table[0] == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert table[1][:7] == ["php-apache", "Deployment/php-apache", "cpu:", "1%/50%", "1", "10", "1"]

    # 1.5 CPU of demand over 200m requests: scale up, 4 pods at a time (upstream's scale-up policy), up to the max
    ok(kubectl("annotate", "deployment", "php-apache", "kubelab.io/cpu-load=1500m"))
    wait_for(kubectl, "deployment/php-apache", ".spec.replicas", 5)
    wait_for(kubectl, "deployment/php-apache", ".spec.replicas", 10)
    events = ok(
        kubectl("get", "events", "--field-selector", "reason=SuccessfulRescale", "-o", "jsonpath={.items[*].message}")
    )
    assert "New size: 5; reason: cpu resource utilization (percentage of request) above target" in events
    # once all ten are ready and measured: 152m a pod, 76 %, which would want 16
    wait_for(kubectl, "hpa/php-apache", ".status.currentMetrics[0].resource.current.averageUtilization", 76)
    described = ok(kubectl("describe", "hpa", "php-apache"))
    assert "ScalingLimited  True    TooManyReplicas" in described, described
    assert "resource cpu on pods  (as a percentage of request):  76% (152m) / 50%" in described

    # the load goes: after the 300 s stabilisation window of simulated time, back to the minimum
    ok(kubectl("annotate", "deployment", "php-apache", "kubelab.io/cpu-load-"))
    wait_for(kubectl, "deployment/php-apache", ".spec.replicas", 1)
    events = ok(
        kubectl("get", "events", "--field-selector", "reason=SuccessfulRescale", "-o", "jsonpath={.items[*].message}")
    )
    assert "New size: 1; reason: All metrics below target" in events
    ok(kubectl("delete", "hpa/php-apache", "deployment/php-apache", "service/php-apache"))


SELECTORLESS = """\
apiVersion: v1
kind: Service
metadata:
  name: external-db
spec:
  ports:
  - name: sql
    port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: external-db
subsets:
- addresses:
  - ip: 192.0.2.42
  ports:
  - name: sql
    port: 5432
"""


def test_a_selectorless_services_endpoints_are_mirrored_into_a_slice(kubectl):
    ok(kubectl("apply", "-f", "-", stdin=SELECTORLESS))
    selector = "kubernetes.io/service-name=external-db"
    ok(kubectl("wait", "--for=create", "endpointslice", "-l", selector, "--timeout=60s"))
    table = rows(ok(kubectl("get", "endpointslices", "-l", selector)))
    assert table[1][1:4] == ["IPv4", "5432", "192.0.2.42"]
    managed = ok(kubectl("get", "endpointslices", "-l", selector, "-o", "jsonpath={.items[0].metadata.labels}"))
    assert '"endpointslice.kubernetes.io/managed-by":"endpointslicemirroring-controller.k8s.io"' in managed
    # deleting the Service makes the endpoints controller delete its Endpoints too, maybe before kubectl asks
    ok(kubectl("delete", "service/external-db", "endpoints/external-db", "--ignore-not-found"))


def test_top_of_a_missing_pod_is_metrics_servers_not_found(kubectl):
    done = kubectl("top", "pod", "no-such-pod")
    assert done.returncode == 1
    assert 'podmetrics.metrics.k8s.io "default/no-such-pod" not found' in done.stderr


def test_the_python_client_reads_autoscalers_and_node_metrics(api_client):
    autoscalers = client.AutoscalingV2Api(api_client).list_horizontal_pod_autoscaler_for_all_namespaces()
    assert autoscalers.kind == "HorizontalPodAutoscalerList"
    nodes = client.CustomObjectsApi(api_client).list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes")
    usage = {item["metadata"]["name"]: item["usage"] for item in nodes["items"]}
    assert usage["worker-1"]["cpu"].endswith("n") and usage["worker-1"]["memory"].endswith("Ki")
