"""Time travel: each cluster's history of committed writes (recording.py), the cluster rebuilt as it stood at any
revision or simulated second (reading.py), and a new cluster forked from that moment (forking.py)."""
