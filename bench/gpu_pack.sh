#!/usr/bin/env bash
# Packs what bench/gpu_run.sh needs into one folder (default .gpu/, ignored by git) for a machine with a
# GPU that has no npm registry and perhaps no Node: the three Node runners bundled with esbuild (unfold's
# webgpu row, TensorFlow.js's webgpu training and sampling) with the `webgpu` package's Linux x64 binding
# (Dawn) beside them, and the shared WebGPU test suite (test/backend/webgpu/webgpu_node.test.ts: every
# kernel case against the reference, training against wasm, GPU memory coming back), as b.tar.xz, and this machine's node binary as node.xz (xz because such a machine's
# upload may be capped; both unpacked there with Python's lzma and tarfile, which every python3 has). PyTorch's runners (bench/torch_*.py) travel as the working tree.
#
#   npm run build && bash bench/gpu_pack.sh [.gpu]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.gpu}
rm -rf "$dir" && mkdir -p "$dir/b/node_modules/webgpu/dist/linux-x64"
for f in webgpu_node tfjs_train tfjs_sample; do
  # TensorFlow.js's Node builds are CommonJS and call require(): the banner gives the ESM bundle one.
  npx esbuild "bench/$f.mjs" --bundle --platform=node --format=esm --log-level=error --external:webgpu \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile="$dir/b/$f.mjs"
done
npx esbuild dist/test/backend/webgpu/webgpu_node.test.js --bundle --platform=node --format=esm --log-level=error --external:webgpu \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$dir/b/webgpu_suite.test.mjs"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$dir/b/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$dir/b/node_modules/webgpu/dist/linux-x64/"
tar -C "$dir" -cJf "$dir/b.tar.xz" b && rm -rf "$dir/b"
xz -T0 -6 -c "$(command -v node)" > "$dir/node.xz"
du -sh "$dir"
