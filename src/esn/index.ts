// Echo state networks (reservoir computing): a fixed random recurrent reservoir with a linear
// readout fitted in closed form. Float64 numerics with no autograd and no Node imports, so this
// module runs in browsers as well.
//
//     import { esn } from 'unfold-rnn';
//     const net = new esn.ESN({ units: 100, inputSize: 1, outputSize: 1, spectralRadius: 1.25, leakRate: 0.3 });
//     net.fit(inputs, targets, { washout: 100 });
//     const forecast = net.generate(50);

export { timeSeries, emptyInputs, sliceSeries, component, type TimeSeries } from './series.js';
export { matVec, cholesky, choleskySolve, solveSPD, NotPositiveDefiniteError } from './dense.js';
export { CsrMatrix } from './sparse.js';
export {
  eigenvalues, spectralRadiusExact, spectralRadiusPower, balance, hessenberg, hessenbergEigenvalues,
  type Eigenvalues, type PowerIterationOptions,
} from '../nn/eigen.js';
export { spectralRadiusSparse } from './sparse_radius.js';
export { Reservoir, RESERVOIR_DEFAULTS, EXACT_RADIUS_MAX_UNITS, spectralRadiusOf, type ReservoirConfig, type RadiusMethod } from './reservoir.js';
export { RidgeAccumulator, ridgeRegression, type RidgeOptions } from './ridge.js';
export { RidgeQR } from './ridge_qr.js';
export { RLS, type RlsOptions } from './rls.js';
export { ESN, ESN_DEFAULTS, type EsnConfig, type FitOptions, type FitResult } from './esn.js';
export { mse, rmse, nrmse, nmse, variance, type NrmseNorm } from './metrics.js';
export { mackeyGlass, MACKEY_GLASS_DEFAULTS, type MackeyGlassOptions } from './mackey_glass.js';
export { narma, type NarmaSeries } from './narma.js';
export { parseCsvSeries, type CsvSeries } from './csv_series.js';
export {
  mackeyGlassForecast, mackeyGlassGenerative, narma10,
  MACKEY_GLASS_FORECAST_ESN, MACKEY_GLASS_FORECAST_BASELINES, MACKEY_GLASS_GENERATIVE_ESN, MACKEY_GLASS_GENERATIVE_BASELINE, NARMA10_ESN,
  type BenchmarkResult, type EsnOverrides, type MackeyGlassForecastOptions, type MackeyGlassGenerativeOptions, type Narma10Options,
} from './benchmarks.js';
export { esnMemory, type EsnSize } from './esn_memory.js';
