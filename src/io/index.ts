// io: the safetensors checkpoint format as pure bytes (browser-safe). The file-based helpers
// (atomic writes, save/load by path) need node:fs and live in the separate barrel ./node.ts, so
// that a browser bundle of this module pulls in nothing from Node.

export {
  serializeSafetensors, parseSafetensors, parseSafetensorsHeader, decodeSafetensors, compareCodePoints,
  SafetensorsError, MAX_HEADER_BYTES, MAX_RANK,
  type SafetensorsContents, type SafetensorsEntry, type SafetensorsHeader, type ParseSafetensorsOptions,
} from './safetensors.js';
export { halfToFloat, bfloat16ToFloat, type SafetensorsDType } from './dtypes.js';
