#!/usr/bin/env bash
# The GPU comparison, run on a machine with a GPU (see BENCHMARKS.md, "On a GPU"): the char model's
# training step (embedding 64 → LSTM H → linear 65, length 64, Adam, the loss read each step) at
# H = 128, 512, 1024 and batch 32, 128, and batch-1 sampling (1 layer, H as above), for
#   unfold's webgpu backend in Node (Dawn, the `webgpu` package), TensorFlow.js's webgpu backend in Node
#   (the same Dawn and adapter), and PyTorch on CUDA (cuDNN's LSTM, fused AdamW).
# TensorFlow.js's webgl backend needs a browser, which such a machine may not have. First, the shared
# WebGPU test suite on that GPU (its result line: {label: 'suite', rc, result: {pass, fail, adapter}}).
# Uses the folder bench/gpu_pack.sh made (default .gpu/): its node when none is installed.
#
#   bash bench/gpu_run.sh [.gpu] [results.jsonl]     env: TIME (s per figure, 4), WARMUP (2), SIZES, PY (python3)
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.gpu}; out=${2:-gpu.jsonl}
T=${TIME:-4}; W=${WARMUP:-2}; PY=${PY:-python3}
SIZES=${SIZES:-"128x32 128x128 512x32 512x128 1024x32 1024x128"}
[ -d "$dir/b" ] || "$PY" -c "import tarfile, sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$dir/b.tar.xz" "$dir"
NODE=${NODE-$(command -v node || true)}
if [ -z "$NODE" ]; then
  NODE=/tmp/unfold-node/node; mkdir -p /tmp/unfold-node
  "$PY" -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'))" "$dir/node.xz" "$NODE"
  chmod +x "$NODE"
fi
echo "node $("$NODE" --version); $("$PY" -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name() if torch.cuda.is_available() else "no cuda")' 2>&1 | tail -1)"
: > "$out"
# one figure: a label and a command; its last JSON line goes to the results with the label, a failure as {error}
fig() {
  local label=$1; shift
  local log; log=$(timeout 120 "$@" 2>&1); local rc=$?
  local line; line=$(printf '%s\n' "$log" | grep '^{' | tail -1)
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    line=$(printf '%s' "$log" | tail -c 600 | "$PY" -c 'import json,sys; print(json.dumps({"error": sys.stdin.read()}))')
  fi
  echo "{\"label\":\"$label\",\"rc\":$rc,\"result\":$line}" | tee -a "$out"
}
# The kernel cases and training checks on this GPU (node:test's summary lines read into one result).
log=$(timeout 300 "$NODE" --test "$dir/b/webgpu_suite.test.mjs" 2>&1); rc=$?
printf '%s\n' "$log" | tail -40 > "$(dirname "$out")/suite.log"
pass=$(printf '%s\n' "$log" | sed -n 's/^# pass //p'); fail=$(printf '%s\n' "$log" | sed -n 's/^# fail //p'); skip=$(printf '%s\n' "$log" | sed -n 's/^# skipped //p')
adapter=$(printf '%s\n' "$log" | sed -n 's/.*# adapter: \([^;]*\);.*/\1/p' | head -1)
echo "{\"label\":\"suite\",\"rc\":$rc,\"result\":{\"pass\":${pass:-0},\"fail\":${fail:-0},\"skipped\":${skip:-0},\"adapter\":\"$adapter\"}}" | tee -a "$out"
# Is there a GPU adapter at all? Without one the WebGPU figures would be SwiftShader's or nothing.
fig probe "$NODE" -e "import('./$dir/b/webgpu_node.mjs').catch(e => { console.log(JSON.stringify({ error: String(e) })); })" --input-type=module -- --hidden 8 --batch 1 --seq-len 2 --warmup 0 --time 0.1
for s in $SIZES; do
  h=${s%x*}; b=${s#*x}
  fig "unfold-webgpu $s" "$NODE" "$dir/b/webgpu_node.mjs" --hidden "$h" --batch "$b" --warmup "$W" --time "$T"
  fig "tfjs-webgpu $s" "$NODE" "$dir/b/tfjs_train.mjs" --backend webgpu --hidden "$h" --batch "$b" --warmup "$W" --time "$T"
  fig "torch-cuda $s" "$PY" bench/torch_train.py --device cuda --hidden "$h" --batch "$b" --warmup "$W" --time "$T"
done
for h in $(printf '%s\n' $SIZES | sed 's/x.*//' | sort -un); do
  fig "tfjs-webgpu-sample $h" "$NODE" "$dir/b/tfjs_sample.mjs" --backend webgpu --hidden "$h" --layers 1 --warmup "$W" --time "$T"
  fig "torch-cuda-sample $h" "$PY" bench/torch_sample.py --device cuda --hidden "$h" --layers 1 --warmup "$W" --time "$T"
done
