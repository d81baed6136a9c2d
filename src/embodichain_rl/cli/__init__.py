"""Console entry points (embodichain-train, -eval, -export, -plot, -bench, -convert...)."""
