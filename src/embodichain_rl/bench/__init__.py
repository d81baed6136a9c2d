"""Benchmark baselines shipped with the package (``embodichain-bench train`` uses them).

:mod:`embodichain_rl.bench.reference_ppo` is the independent yardstick: a plain single-file
PPO loop that shares no framework code except the environment.
"""
