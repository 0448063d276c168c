"""A HorizontalPodAutoscaler on requests per second with the real kubectl: the simulated traffic's per-pod rate
served through the custom metrics API as a Prometheus adapter serves it, read back with `kubectl get --raw`, and the
autoscaler's view of it in `kubectl describe hpa`."""

import json

from .test_autoscaling import ok, wait_for

SHOP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  ports:
  - port: 80
  selector:
    app: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: traffic-shop
  labels:
    kubelab.io/traffic: client
data:
  service: shop
  rate: "120"
  via: ClusterIP
"""

AUTOSCALER = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: shop
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Pods
    pods:
      metric:
        name: http_requests_per_second
      target:
        type: AverageValue
        averageValue: "40"
"""

RAW = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_per_second?labelSelector=app%3Dshop"


def test_requests_per_second_from_the_custom_metrics_api_scale_a_deployment(kubectl):
    assert "custom.metrics.k8s.io/v1beta2" in ok(kubectl("api-versions")).split()
    ok(kubectl("apply", "-f", "-", stdin=SHOP))
    wait_for(kubectl, "deployment/shop", ".status.readyReplicas", 1)
    ok(kubectl("wait", "--for=create", "endpointslice", "-l", "kubernetes.io/service-name=shop", "--timeout=60s"))

    values = json.loads(ok(kubectl("get", "--raw", RAW)))
    assert values["kind"] == "MetricValueList" and values["apiVersion"] == "custom.metrics.k8s.io/v1beta2"
    [value] = values["items"]
    assert value["describedObject"]["kind"] == "Pod" and value["describedObject"]["name"].startswith("shop-")
    assert (value["metric"]["name"], value["value"]) == ("http_requests_per_second", "120")

    ok(kubectl("apply", "-f", "-", stdin=AUTOSCALER))
    # 120 requests per second over a target of 40 a pod: three pods, each then serving 40
    wait_for(kubectl, "deployment/shop", ".spec.replicas", 3)
    wait_for(kubectl, "hpa/shop", ".status.currentMetrics[0].pods.current.averageValue", 40)
    described = ok(kubectl("describe", "hpa", "shop"))
    assert '"http_requests_per_second" on pods:  40 / 40' in described, described
    assert "ValidMetricFound" in described
    assert "New size: 3; reason: pods metric http_requests_per_second above target" in described

    missing = kubectl("get", "--raw", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/queue_depth")
    assert missing.returncode == 1
    assert "the server could not find the metric queue_depth for pods" in missing.stderr
    ok(kubectl("delete", "hpa/shop", "deployment/shop", "service/shop", "configmap/traffic-shop"))
