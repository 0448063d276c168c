"""The kube-controller-manager's controllers: each keeps one kind of object at its desired state.

Every controller here is a level-triggered reconciler (see `runtime.component.Controller`) that reads the informer
cache and writes through the API server, exactly as upstream's pkg/controller does; only the leader of the
kube-controller-manager Lease acts.
"""
