// Diagnostics of recurrent models: per-step gradient norms ‖∂L/∂h_t‖, spectral radii of W_hh, gate
// saturation, and correlations of hidden units with text features.

export { gateSpecs, gateActivations, type GateSpec, type GateKind } from './gates.js';
export { saturationFractions, fractionHistogram, type SaturationThresholds, type SaturationFractions } from './saturation.js';
export { pearson, unitSeries, unitFeatureCorrelations, topCorrelatedUnits, type CorrelatedUnit } from './correlation.js';
export { textFeatures, FEATURE_LABELS, type TextFeatures } from './text_features.js';
export { traceCells, hiddenGradientNorms, hiddenValues, type LayerTrace, type TraceOptions } from './trace.js';
export { spectralRadius, recurrentSpectralRadii, type GateSpectralRadius } from './spectral_radius.js';
export { gradientNormsThroughTime } from './gradient_norms.js';
export { traceCharModel, topPredictions, type CharModelTrace, type CharModelTraceOptions, type GradientLossKind, type Prediction } from './char_model_trace.js';
