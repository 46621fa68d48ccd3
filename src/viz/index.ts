// HTML reports of recurrent models (Node.js): the report data, the self-contained page, the
// attention heatmap section and the live training dashboard.

export { buildReportData, emptyReport, gradientComparison, type ReportData, type ReportOptions, type ModelSummary, type TopCell, type GateSaturation, type GradientComparison } from './report_data.js';
export { renderReportHtml, type HtmlReportOptions } from './html_report.js';
export { renderAttentionSection, renderAttentionMap, checkAttentionMap, attentionMapFrom, type AttentionMap } from './attention_section.js';
export { parseMetrics, readMetrics, downsample, type LossCurves, type LossPoint } from './metrics_reader.js';
export { Dashboard, dashboardCallbacks, type DashboardOptions } from './dashboard.js';
export { tailExcerpt } from './text_excerpt.js';
export { intervalReportHtml, type IntervalSeries } from './interval_report.js';
export { pixelSamplesHtml, type LevelImages } from './pixel_samples.js';
