#!/usr/bin/env bash
# One prepared GPU session (issue 17, item 6): a few minutes on one CUDA device.
#   bash benchmarks/gpu_check.sh [OUT_DIR]
# Writes every step's output to OUT_DIR (default gpu_check_<time>/) and a summary of
# exit codes; copy the figures into docs/benchmarks.md with the device and versions line.
# It has not been run yet: no GPU was lent to the sessions that wrote it.
set -u
out=${1:-gpu_check_$(date +%Y%m%d_%H%M%S)}
mkdir -p "$out"
step() {  # step NAME TIMEOUT_S COMMAND...
  local name=$1 limit=$2; shift 2
  echo "== $name ($*)"
  timeout "$limit" "$@" >"$out/$name.log" 2>&1
  local rc=$?
  echo "$name rc=$rc" | tee -a "$out/summary.txt"
  tail -n 15 "$out/$name.log"
}
python - >"$out/versions.txt" 2>&1 <<'PY'
import platform, torch
print("python", platform.python_version(), "torch", torch.__version__, "cuda", torch.version.cuda)
print("device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "NO CUDA DEVICE")
PY
cat "$out/versions.txt"
# 1. No host syncs in PPO's rollout and update, in every compile mode (CUDA-graph replay
#    of the update included), plus the MuJoCo Warp backend's CUDA-graph substeps.
step sync_debug 240 python -m pytest -q -x tests/algorithms/test_no_host_sync.py \
  tests/envs/test_push_cube_backends_contract.py -k "cuda or sync or warp"
# 2. Throughput: framework (eager, compiled, CUDA graphs) against the reference loop and
#    rsl_rl, interleaved, 4,096-65,536 envs.
step bench_train 300 embodichain-bench train --device cuda --num-envs 4096 16384 65536 \
  --compile none compile cudagraphs --against reference rsl_rl --iterations 5 --warmup 3
# 3. Time to eval success >= 0.9 with the GPU preset (evaluations every 5 iterations).
step push_cube_gpu 300 embodichain-bench train --device cuda --num-envs 16384 \
  --iterations 1 --warmup 0 --time-to-success --eval-freq 5 \
  --override +experiment=push_cube_gpu --tts-override env.num_envs=16384
# 4. Pixels: the camera's frames/s on CUDA (256 and 1,024 envs), the CPU-equality test of
#    the renderer, and time to eval success >= 0.8 with the pixel GPU preset.
step camera_cuda 120 python -m pytest -q tests/envs/test_push_cube_camera.py -k cuda
step camera_fps 120 python benchmarks/camera_render.py 2 --device cuda
step push_cube_rgb_gpu 300 embodichain-train +experiment=push_cube_rgb_gpu eval.freq=5 \
  logging.progress_bar=false "hydra.run.dir=$out/push_cube_rgb_gpu"
# 5. The VLA (docs/vla.md): throughput and memory of the tiny model and of a 0.5 B-class
#    random shape on CUDA, and the BC and GPU-sync tests on the device.
step vla_tiny 120 python benchmarks/vla_throughput.py --device cuda --envs 1024 --batch 1024
step vla_small 300 python benchmarks/vla_throughput.py --device cuda --size small --envs 64 \
  --batch 64
step bc_gpu 120 python -m pytest -q tests/algorithms/test_bc.py -m gpu
echo "summary: $out/summary.txt"
