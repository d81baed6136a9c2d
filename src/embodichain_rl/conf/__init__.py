"""Hydra configs shipped with the package (the top-level ``conf/`` links here)."""
