"""The node side of the control plane: kubelets on their machines, the node lifecycle controller, taint eviction.

Kubelets run pods and report their node's health; the node lifecycle controller notices when a node stops
reporting and taints it; the taint eviction controller deletes the pods that do not tolerate those taints; PodGC
cleans up after nodes that are gone for good.
"""
