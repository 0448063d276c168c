"""The Kubernetes-compatible HTTP API: what lets the real kubectl and the official clients drive a KubeLab cluster.

Each cluster is served under its own path prefix (`/k8s/clusters/<name>`), which is what its kubeconfig names as the
server. Requests go to the same API server every other door uses, so kubectl meets the same rules and errors.
"""
