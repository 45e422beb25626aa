"""HTML routes (Jinja2 + htmx): thin, one service call, render a page or a fragment."""
