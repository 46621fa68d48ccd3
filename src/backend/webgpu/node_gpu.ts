// WebGPU in Node: Dawn through the optional `webgpu` package (dawn.node), which finds adapters
// through the system's Vulkan loader and drivers. On a machine without a GPU there is still a
// software adapter wherever Debian's Chromium is installed (the project's browser tests need it):
// Chromium ships a Vulkan loader and SwiftShader's Vulkan driver in /usr/lib/chromium, the same
// adapter `chromium --use-webgpu-adapter=swiftshader` uses. So, in order:
//  1. Where the system has no Vulkan loader, Chromium's is loaded first (process.dlopen by path with
//     RTLD_NODELETE: it is no Node addon, so the call throws, but the library stays loaded, and
//     Dawn's dlopen('libvulkan.so.1') then finds it by its soname).
//  2. Where the system has Vulkan drivers (manifests in the loader's folders, or named in the
//     environment), Dawn asks for an adapter as usual: a GPU, or whatever software driver is set up.
//  3. Where that finds none, or there are no drivers to ask, SwiftShader's driver is named to the
//     loader (VK_ICD_FILENAMES / VK_DRIVER_FILES, set only while Dawn enumerates adapters) and Dawn
//     asks again.
// Why the entry point must outlive initWebGPU: Dawn's instance lives as long as the JS object that
// `create()` returns, and devices do not keep it alive; once that object was garbage collected,
// Dawn's event processing (which every mapAsync goes through) ran on a freed instance and aborted
// the process at random (pthread mutex assertions, std::system_error, futex errors) — the crash
// first seen in the 64-row gemm, which happened to be where a collection came. Keeping the object
// (every entry point made here is held in `entryPoints`, never let go) fixed it; the kernels needed
// no change for the software adapter.

/** Where Debian's Chromium keeps its Vulkan loader and SwiftShader's Vulkan driver. */
export const CHROMIUM_VULKAN_DIR = '/usr/lib/chromium';

/** An entry point and the adapter it found in Node, or why there is none. */
export type NodeGpu = { gpu: GPU; adapter: GPUAdapter } | { reason: string };

interface Builtins {
  fs: { existsSync(path: string): boolean; readdirSync(path: string): string[] };
  os: { constants: { dlopen: Record<string, number> } };
}

// Node's modules without a static import, so that browser bundles of the library build.
function builtins(): Builtins {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') throw new Error('expected Node ≥ 20.16 (process.getBuiltinModule) for WebGPU in Node');
  return { fs: get('node:fs') as Builtins['fs'], os: get('node:os') as Builtins['os'] };
}

// Every entry point made here, each owning a Dawn instance: held for the life of the process (see the header).
const entryPoints: GPU[] = [];

const env = (): Record<string, string | undefined> => (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;

// Whether the dynamic linker can find a Vulkan loader without help: LD_LIBRARY_PATH, then the usual folders.
function systemVulkanLoader(fs: Builtins['fs']): boolean {
  const dirs = [...(env().LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''),
    '/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib'];
  return dirs.some((d) => fs.existsSync(`${d}/libvulkan.so.1`));
}

// Whether the Vulkan loader has drivers to offer: named in the environment, or manifests in its usual folders.
function systemVulkanDrivers(fs: Builtins['fs']): boolean {
  const e = env();
  if ((e.VK_ICD_FILENAMES ?? e.VK_DRIVER_FILES ?? '') !== '') return true;
  const dirs = ['/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/etc/vulkan/icd.d', `${e.HOME ?? ''}/.local/share/vulkan/icd.d`];
  return dirs.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith('.json')));
}

// Loads Chromium's Vulkan loader so that it stays loaded (see the header, step 1).
function preloadChromiumLoader(b: Builtins): void {
  const RTLD_NODELETE = 0x1000; // glibc's value; Node's os.constants.dlopen does not list it
  const { RTLD_NOW, RTLD_GLOBAL } = b.os.constants.dlopen;
  try {
    (globalThis as unknown as { process: { dlopen(m: object, file: string, flags: number): void } }).process
      .dlopen({ exports: {} }, `${CHROMIUM_VULKAN_DIR}/libvulkan.so.1`, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
  } catch {
    // "Module did not self-register": expected, the library is loaded all the same
  }
}

// requestAdapter with SwiftShader named as the only Vulkan driver, the environment restored after.
async function withSwiftShader(create: () => GPU, options: GPURequestAdapterOptions | undefined): Promise<{ gpu: GPU; adapter: GPUAdapter | null }> {
  const e = env();
  const saved = { VK_ICD_FILENAMES: e.VK_ICD_FILENAMES, VK_DRIVER_FILES: e.VK_DRIVER_FILES };
  e.VK_ICD_FILENAMES = e.VK_DRIVER_FILES = `${CHROMIUM_VULKAN_DIR}/vk_swiftshader_icd.json`;
  try {
    const gpu = create();
    entryPoints.push(gpu);
    return { gpu, adapter: await gpu.requestAdapter(options) };
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete e[k]; else e[k] = v;
  }
}

/**
 * Finds a WebGPU adapter in Node through the optional `webgpu` package: a GPU where the system's
 * Vulkan has one, else Chromium's SwiftShader where Chromium is installed. UNFOLD_WEBGPU=0 turns
 * this off (the answer is then a reason, as on a machine without either).
 */
export async function nodeGpu(options?: GPURequestAdapterOptions): Promise<NodeGpu> {
  const flag = env().UNFOLD_WEBGPU ?? '';
  if (flag !== '' && flag !== '0' && flag !== '1') throw new Error(`UNFOLD_WEBGPU: expected '0' or '1', got '${flag}'`);
  if (flag === '0') return { reason: 'UNFOLD_WEBGPU=0 turns WebGPU off in Node' };
  const name = 'webgpu'; // a variable, so that bundlers leave this optional Node-only import alone
  let m: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    m = (await import(name)) as typeof m;
  } catch (err) {
    return { reason: `the optional 'webgpu' package did not load (${(err as Error).message.split('\n')[0]})` };
  }
  Object.assign(globalThis, m.globals); // GPUBufferUsage and the other constants the binding's objects expect
  const b = builtins();
  const chromium = b.fs.existsSync(`${CHROMIUM_VULKAN_DIR}/vk_swiftshader_icd.json`) && b.fs.existsSync(`${CHROMIUM_VULKAN_DIR}/libvulkan.so.1`);
  if (chromium && !systemVulkanLoader(b.fs)) preloadChromiumLoader(b);
  if (!chromium || systemVulkanDrivers(b.fs)) {
    const gpu = m.create([]);
    entryPoints.push(gpu);
    const adapter = await gpu.requestAdapter(options);
    if (adapter !== null) return { gpu, adapter };
  }
  if (chromium) {
    const sw = await withSwiftShader(() => m.create([]), options);
    if (sw.adapter !== null) return { gpu: sw.gpu, adapter: sw.adapter };
    return { reason: `the 'webgpu' package found no adapter, not even Chromium's SwiftShader (${CHROMIUM_VULKAN_DIR})` };
  }
  return { reason: `the 'webgpu' package found no adapter (no Vulkan GPU here, and no Chromium at ${CHROMIUM_VULKAN_DIR} for its software adapter)` };
}
