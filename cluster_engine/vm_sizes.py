"""The Azure virtual machine sizes the simulated cloud offers, with what a node of each size reports.

Each size maps to (capacity, allocatable): allocatable is capacity minus what AKS reserves for the operating system,
the kubelet and eviction (ours approximating AKS's reservations). Node pools (cloud.py) and new clusters
(scenarios.py) both size their machines from here.
"""

DEFAULT_VM_SIZE = "Standard_DS2_v2"
VM_SIZES = {
    # A Standard_DS2_v2 worker as AKS sizes it: 2 vCPU, 7 GiB, 110 pods, minus what AKS reserves for the system.
    "Standard_DS2_v2": ({"cpu": "2", "memory": "7Gi", "pods": "110"}, {"cpu": "1900m", "memory": "5Gi", "pods": "110"}),
    "Standard_D2s_v3": ({"cpu": "2", "memory": "8Gi", "pods": "110"}, {"cpu": "1900m", "memory": "6Gi", "pods": "110"}),
    "Standard_D4s_v3": (
        {"cpu": "4", "memory": "16Gi", "pods": "110"},
        {"cpu": "3860m", "memory": "13Gi", "pods": "110"},
    ),
    "Standard_B2s": ({"cpu": "2", "memory": "4Gi", "pods": "110"}, {"cpu": "1900m", "memory": "2Gi", "pods": "110"}),
}
