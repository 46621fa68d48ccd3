// The live training dashboard: a small node:http server on localhost that serves the report page
// in live mode at / and the current ReportData at /data.json. The training loop feeds it through
// the callbacks of dashboardCallbacks(): loss points at every step, a full analysis of the model
// (hidden cells, gates, gradients, predictions) at every evaluation.
//
// Only requests addressed to this machine by name are answered (Host localhost, 127.0.0.1 or [::1]
// with the server's port): a web page the user opens elsewhere could otherwise point its own domain
// at 127.0.0.1 (DNS rebinding) and read /data.json, which holds an excerpt of the corpus and samples.
// The page (hundreds of KB) is built once per analysis and the JSON once per change, not per request:
// a crowd of requests between two evaluations gets the same bytes.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TrainCallbacks } from '../train/trainer.js';
import type { CharModel } from '../train/char_model.js';
import type { Vocab } from '../data/vocab.js';
import { buildReportData, emptyReport, type ReportData, type ReportOptions } from './report_data.js';
import { renderReportHtml } from './html_report.js';
import { downsample, type LossCurves } from './metrics_reader.js';
import { tailExcerpt } from './text_excerpt.js';
import { appendAll } from '../tensor/large_arrays.js';

export interface DashboardOptions {
  /** TCP port (default 8000; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: only this machine). */
  host?: string;
  title?: string;
}

/** Host names the dashboard answers to: this machine's, never a name a remote page controls. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Why a request's Host header is refused, or null when it names this machine at `port`. */
export function refusedHost(host: string | undefined, port: number): string | null {
  const want = LOCAL_HOSTS.map((h) => `${h}:${port}`);
  if (host !== undefined && want.includes(host.toLowerCase())) return null;
  return `expected a Host header of ${want.join(', ')} (this dashboard answers only requests addressed to this machine), got ${host === undefined ? 'none' : `'${host.slice(0, 100)}'`}`;
}

export class Dashboard {
  private data: ReportData;
  private readonly curves: LossCurves = { train: [], val: [] };
  // The built page and JSON, with what they were built from.
  private page: { version: number; body: Buffer } | null = null;
  private json: { key: string; body: Buffer } | null = null;
  private pages = 0;

  private constructor(private readonly server: Server, readonly url: string, title: string) {
    this.data = emptyReport(this.curves, title);
  }

  /** How many times the page has been built (once per analysis, however many requests came). */
  get pageBuilds(): number { return this.pages; }

  /** The live page, built again only after an analysis (or new curves from loadCurves). */
  private pageBody(): Buffer {
    if (this.page === null || this.page.version !== this.data.version) {
      this.page = { version: this.data.version, body: Buffer.from(renderReportHtml(this.snapshot(), { live: '/data.json' })) };
      this.pages++;
    }
    return this.page.body;
  }

  /** /data.json, built again only when the analysis or the curves changed. */
  private jsonBody(): Buffer {
    const key = `${this.data.version}:${this.curves.train.length}:${this.curves.val.length}`;
    if (this.json === null || this.json.key !== key) this.json = { key, body: Buffer.from(JSON.stringify(this.snapshot())) };
    return this.json.body;
  }

  /** Starts serving; resolves once listening. */
  static start(options: DashboardOptions = {}): Promise<Dashboard> {
    const port = options.port ?? 8000, host = options.host ?? '127.0.0.1';
    if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new Error(`expected a port in [0, 65535], got ${port}`);
    let dash: Dashboard | null = null;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const refused = refusedHost(req.headers.host, (server.address() as AddressInfo).port);
      if (refused !== null) { res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`forbidden: ${refused}\n`); return; }
      if (req.method !== 'GET' || !dash) { res.writeHead(405).end(); return; }
      if (path === '/' || path === '/index.html') {
        const body = dash.pageBody();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': body.length });
        res.end(body);
      } else if (path === '/data.json') {
        const body = dash.jsonBody();
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': body.length });
        res.end(body);
      } else if (path === '/favicon.ico') {
        res.writeHead(204).end(); // no icon; answered so browsers log no error
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    });
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        reject(new Error(e.code === 'EADDRINUSE' ? `dashboard: port ${port} is in use; pass --port N (0 for any free port)` : `dashboard: ${e.message}`));
      });
      server.listen(port, host, () => {
        const addr = server.address() as AddressInfo;
        dash = new Dashboard(server, `http://${host}:${addr.port}/`, options.title ?? 'unfold training dashboard');
        resolve(dash);
      });
    });
  }

  /** The data as served now (loss curves thinned to at most 2000 points). */
  snapshot(): ReportData {
    return { ...this.data, curves: { train: downsample(this.curves.train, 2000), val: this.curves.val.slice() } };
  }

  /** Starts the curves from an earlier part of the run (--resume), read from its metrics log. */
  loadCurves(curves: LossCurves): void {
    appendAll(this.curves.train, curves.train);
    appendAll(this.curves.val, curves.val);
    this.page = null;
  }

  addStep(step: number, loss: number): void { this.curves.train.push({ step, loss }); }
  addEval(step: number, valLoss: number): void { this.curves.val.push({ step, loss: valLoss }); }

  /** Replaces the analysis with one of `model` now; bumps the version so pages redraw. */
  analyse(model: CharModel, vocab: Vocab, text: string, options: ReportOptions = {}): void {
    const version = this.data.version + 1;
    this.data = buildReportData(model, vocab, text, this.curves, { title: this.data.title, ...options, version });
  }

  /** Shows why the last analysis failed (the previous one stays). */
  fail(err: Error): void {
    this.data = { ...this.data, note: `analysis failed: ${err.message}`, version: this.data.version + 1 };
  }

  close(): Promise<void> {
    return new Promise((resolve) => { this.server.closeAllConnections(); this.server.close(() => resolve()); });
  }
}

/**
 * Training callbacks that feed `dash`: loss at each step, validation loss and a fresh analysis on
 * `text`'s last `analysisChars` characters at each evaluation.
 */
export function dashboardCallbacks(dash: Dashboard, text: string, analysisChars = 400): TrainCallbacks {
  let model: CharModel | null = null, vocab: Vocab | null = null;
  const excerpt = tailExcerpt(text, analysisChars);
  return {
    onStart: (info) => { model = info.model; vocab = info.vocab; },
    onStep: (i) => dash.addStep(i.step, i.loss),
    onEval: (e) => {
      dash.addEval(e.step, e.valLoss);
      if (!model || !vocab) return;
      // A failed analysis must not stop the training run: it is reported on the page instead.
      try { dash.analyse(model, vocab, excerpt, { step: e.step, maxChars: analysisChars }); } catch (err) { dash.fail(err as Error); }
    },
  };
}
