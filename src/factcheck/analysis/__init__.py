"""Pure text analysis: segmentation, claim detection, matching and anchoring (no DB, no web)."""
