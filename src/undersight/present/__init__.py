"""Human-facing output: terminal tables (reports and the dashboard come later)."""
