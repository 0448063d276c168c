"""The default scheduler plugins, one module each, working on whole columns of nodes."""
