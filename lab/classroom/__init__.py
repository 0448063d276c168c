"""The classroom: an instructor's live demo cluster on every student's screen, lessons, sandboxes and questions."""
