"""Suite specs shipped for ``embodichain-bench suite --suite NAME`` (``NAME.yaml``)."""
