// The convolutional layers: Conv2d, pooling, and the adapters from feature maps to decoder inputs.

export { Conv2d, type Conv2dConfig } from './conv2d.js';
export { MaxPool2d, AvgPool2d, type MaxPool2dConfig, type AvgPool2dConfig } from './pooling.js';
export { GlobalAvgPool2d, globalAvgPool2d, spatialToSequence, Flatten } from './spatial.js';
export { TimeDelay, type TimeDelayConfig } from './time_delay.js';
export { coordinateChannels, CoordinateCache } from './coordinate_channels.js';
