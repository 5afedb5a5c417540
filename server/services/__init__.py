"""Service functions: one per use case, called by thin views, CLI commands and jobs."""
