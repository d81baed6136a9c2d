"""Hydra search-path plugin of embodichain_rl: the working directory's ``conf/`` folder."""
