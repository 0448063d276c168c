"""Service traffic a learner can see: a simulated client, cluster DNS, each node's kube-proxy, the cloud load balancer.

Not a control-plane component but the data plane under it: requests go where the cluster's state sends them, so a
rolling update, a failing readiness probe or a powered-off node shows up as refused or timed-out requests exactly
while the API still points at pods that cannot answer.
"""
