"""The publishing JSON API under /api/v1: thin routes over the same services as the web UI, token auth."""
