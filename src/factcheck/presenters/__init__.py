"""Presenters: turn models into what a surface shows (view models, API JSON, ClaimReview JSON-LD)."""
