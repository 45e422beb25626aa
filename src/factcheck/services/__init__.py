"""Services: plain classes taking a Session; they flush, never commit, and raise domain errors."""
