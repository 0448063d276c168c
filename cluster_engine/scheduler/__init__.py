"""kube-scheduler: the scheduling queue, the Snapshot of nodes, filter and score plugins, preemption, decisions."""
