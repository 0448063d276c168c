"""The machinery components run on: simulated clock, informer caches, work queues, the reconcile loop."""
