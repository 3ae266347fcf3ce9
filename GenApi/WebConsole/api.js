// GenApi console: calling the public /v1 API with the session's key, and the helpers every page shares.
export const view = document.getElementById('view');
export const keyDialog = document.getElementById('key-dialog');
export const keyInput = document.getElementById('key-input');
export const stats = (window.genapiConsole = { jobsRenderedAt: null, eventLatenciesMs: [] });
export let page = new AbortController();
let openApi;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

// ---- calling the API ---------------------------------------------------------------------------------------------
export function authHeaders(extra = {}) {
  const headers = new Headers(extra);
  const key = sessionStorage.getItem('genapi.key');
  if (key) headers.set('Authorization', `Bearer ${key}`);
  return headers;
}

export async function call(path, { method = 'GET', json, body, accept = 'application/json', contentType, signal = page.signal } = {}) {
  const headers = authHeaders({ Accept: accept });
  if (json !== undefined) { headers.set('Content-Type', 'application/json'); body = JSON.stringify(json); }
  else if (contentType) headers.set('Content-Type', contentType);
  const response = await fetch(path, { method, headers, body, signal });
  if (response.ok) return response;
  let problem = null;
  try { problem = await response.json(); } catch { /* not a problem document */ }
  if (response.status === 401) askForKey('This server wants an API key.');
  throw new ApiError(response.status, problem);
}

export const getJson = async (path) => (await call(path)).json();

// Images need the key too, so they are fetched and shown from a blob; the previous blob is released.
export async function showImage(img, path, init) {
  const response = await call(path, { accept: 'image/png', ...init });
  const url = URL.createObjectURL(await response.blob());
  const old = img.dataset.blob;
  await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; img.src = url; });
  img.dataset.blob = url;
  if (old) URL.revokeObjectURL(old);
  img.hidden = false;
}

// Server-sent events over fetch (EventSource cannot send an Authorization header).
export async function streamEvents(path, onEvent, signal) {
  const response = await call(path, { accept: 'text/event-stream', signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (data) onEvent(JSON.parse(data));
    }
  }
}

export async function schema(name) {
  openApi ??= getJson('/swagger/v1/swagger.json');
  return (await openApi).components.schemas[name];
}

// ---- small helpers -----------------------------------------------------------------------------------------------
export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
export const when = (t) => (t ? new Date(t).toLocaleString() : '—');
// Significant digits without exponents (1090, not 1.09e+3).
export const num = (v, digits = 3) => (v === null || v === undefined ? '—' : String(Number(Number(v).toPrecision(digits))));
export const statusBadge = (s) => `<span class="status ${esc(s)}" data-status="${esc(s)}">${esc(s)}</span>`;
export const active = (s) => s === 'queued' || s === 'running';
export const every = (ms, fn) => { const t = setInterval(fn, ms); page.signal.addEventListener('abort', () => clearInterval(t)); };
export const quietly = (promise) => promise.catch((e) => { if (e.name !== 'AbortError') console.warn(e); });

export function errorBox(error) {
  return `<p class="error" role="alert">${esc(error.message)}</p>`;
}

export function askForKey(reason) {
  keyDialog.querySelector('p').textContent = reason || keyDialog.querySelector('p').textContent;
  keyInput.value = sessionStorage.getItem('genapi.key') || '';
  if (!keyDialog.open) keyDialog.showModal();
}


// A line chart as SVG: one or more series over the step axis.
export function lineChart(title, points, series) {
  const w = 360, h = 200, left = 44, right = 8, top = 20, bottom = 22;
  if (points.length === 0) return `<figure><figcaption>${esc(title)}</figcaption><p class="muted">No progress reported yet.</p></figure>`;
  const xs = points.map((p) => p.step);
  const ys = series.flatMap((s) => points.map((p) => p[s.key])).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) { y0 -= Math.abs(y0) * 0.1 || 1; y1 += Math.abs(y1) * 0.1 || 1; }
  const x = (v) => left + ((v - x0) / (x1 - x0)) * (w - left - right);
  const y = (v) => top + (1 - (v - y0) / (y1 - y0)) * (h - top - bottom);
  const paths = series.map((s) => `<path class="series" data-series="${s.key}" fill="none" stroke="${s.color}" stroke-width="1.6" d="${points
    .filter((p) => Number.isFinite(p[s.key])).map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join('')}"/>`).join('');
  return `<figure><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">
    <text x="${left}" y="14">${esc(title)}</text>
    <line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="#c4c9d4"/>
    <line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="#c4c9d4"/>
    <text x="2" y="${top + 8}">${num(y1)}</text><text x="2" y="${h - bottom}">${num(y0)}</text>
    <text x="${left}" y="${h - 6}">step ${x0}</text><text x="${w - right}" y="${h - 6}" text-anchor="end">step ${x1}</text>${paths}</svg>
    <div class="legend">${series.map((s) => `<span style="color:${s.color}">■ ${esc(s.label)}</span>`).join('')}</div></figure>`;
}


// A new page: what the old one started (fetches, streams, timers) is aborted with it.
export function nextPage() {
  page.abort();
  page = new AbortController();
  return page;
}
