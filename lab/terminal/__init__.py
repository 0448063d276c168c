"""The kubectl terminal: a line a person types on the cluster page becomes the real kubectl's argv (never a shell),
run with a kubeconfig that carries only what that person may do on that cluster.

- `policy`: the line, parsed and checked: what is refused and why, and the argv that runs.
- `access`: the kubeconfig a person gets for a cluster (edit where they may change it, view otherwise).
- `runner`: one kubectl process at a time per person, with a clean environment, a time limit and an output limit.
- `consumers`: the page's WebSocket.
"""
