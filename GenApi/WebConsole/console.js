// GenApi console: a small single-page client of the public /v1 API (no private endpoints). Hash routes keep it a
// static file set; every call carries the session's API key, so a team sees what its key sees.
const view = document.getElementById('view');
const keyDialog = document.getElementById('key-dialog');
const keyInput = document.getElementById('key-input');
const stats = (window.genapiConsole = { jobsRenderedAt: null, eventLatenciesMs: [] });
let page = new AbortController();
let openApi;

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

// ---- calling the API ---------------------------------------------------------------------------------------------
function authHeaders(extra = {}) {
  const headers = new Headers(extra);
  const key = sessionStorage.getItem('genapi.key');
  if (key) headers.set('Authorization', `Bearer ${key}`);
  return headers;
}

async function call(path, { method = 'GET', json, body, accept = 'application/json', contentType, signal = page.signal } = {}) {
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

const getJson = async (path) => (await call(path)).json();

// Images need the key too, so they are fetched and shown from a blob; the previous blob is released.
async function showImage(img, path, init) {
  const response = await call(path, { accept: 'image/png', ...init });
  const url = URL.createObjectURL(await response.blob());
  const old = img.dataset.blob;
  await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; img.src = url; });
  img.dataset.blob = url;
  if (old) URL.revokeObjectURL(old);
  img.hidden = false;
}

// Server-sent events over fetch (EventSource cannot send an Authorization header).
async function streamEvents(path, onEvent, signal) {
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

async function schema(name) {
  openApi ??= getJson('/swagger/v1/swagger.json');
  return (await openApi).components.schemas[name];
}

// ---- small helpers -----------------------------------------------------------------------------------------------
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const when = (t) => (t ? new Date(t).toLocaleString() : '—');
// Significant digits without exponents (1090, not 1.09e+3).
const num = (v, digits = 3) => (v === null || v === undefined ? '—' : String(Number(Number(v).toPrecision(digits))));
const statusBadge = (s) => `<span class="status ${esc(s)}" data-status="${esc(s)}">${esc(s)}</span>`;
const active = (s) => s === 'queued' || s === 'running';
const every = (ms, fn) => { const t = setInterval(fn, ms); page.signal.addEventListener('abort', () => clearInterval(t)); };
const quietly = (promise) => promise.catch((e) => { if (e.name !== 'AbortError') console.warn(e); });

function errorBox(error) {
  return `<p class="error" role="alert">${esc(error.message)}</p>`;
}

function askForKey(reason) {
  keyDialog.querySelector('p').textContent = reason || keyDialog.querySelector('p').textContent;
  keyInput.value = sessionStorage.getItem('genapi.key') || '';
  if (!keyDialog.open) keyDialog.showModal();
}

document.getElementById('key-button').addEventListener('click', () => askForKey());
keyDialog.addEventListener('close', () => {
  if (keyDialog.returnValue === 'save' && keyInput.value.trim()) sessionStorage.setItem('genapi.key', keyInput.value.trim());
  if (keyDialog.returnValue === 'forget') sessionStorage.removeItem('genapi.key');
  if (keyDialog.returnValue) route();
});

// A line chart as SVG: one or more series over the step axis.
function lineChart(title, points, series) {
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

// ---- routing -----------------------------------------------------------------------------------------------------
const routes = [
  [/^#\/jobs\/new$/, newJobPage],
  [/^#\/jobs\/([\w-]+)$/, jobPage],
  [/^#\/jobs$/, jobsPage],
  [/^#\/models\/([\w-]+)$/, modelPage],
  [/^#\/models$/, modelsPage],
  [/^#\/sweeps\/([\w-]+)$/, sweepPage],
  [/^#\/sweeps$/, sweepsPage],
];

async function route() {
  page.abort();
  page = new AbortController();
  const [path, query] = (location.hash || '#/jobs').split('?');
  const params = new URLSearchParams(query || '');
  const match = routes.find(([pattern]) => pattern.test(path));
  if (!match) { location.hash = '#/jobs'; return; }
  try {
    await match[1](params, ...path.match(match[0]).slice(1));
  } catch (error) {
    if (error.name === 'AbortError') return;
    view.innerHTML = `<h1>Something went wrong</h1>${errorBox(error)}`;
  }
}

window.addEventListener('hashchange', route);

// ---- jobs ----------------------------------------------------------------------------------------------------------
const statuses = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'pruned'];

async function jobsPage(params) {
  const status = params.get('status') || '';
  const sweepId = params.get('sweepId') || '';
  const after = params.get('after');
  // The filters as a hash query, for links that keep them.
  const filters = (extra = {}) => new URLSearchParams({ ...(status && { status }), ...(sweepId && { sweepId }), ...extra }).toString();
  view.innerHTML = `<h1>${sweepId ? `Trials of <a href="#/sweeps/${esc(sweepId)}">${esc(sweepId)}</a>` : 'Jobs'}</h1>
    <div class="filters">
      <div><label for="filter-status">Status</label><select id="filter-status"><option value="">any</option>${statuses
        .map((s) => `<option ${s === status ? 'selected' : ''}>${s}</option>`).join('')}</select></div>
      <a href="#/jobs/new">New job</a>
    </div>
    <div class="table-wrap"><table><thead><tr><th scope="col">Job</th><th scope="col">Model</th><th scope="col" class="hide-narrow">Dataset</th>
      <th scope="col">Status</th><th scope="col">Progress</th><th scope="col" class="hide-narrow">Created</th></tr></thead><tbody id="job-rows"></tbody></table></div>
    <div class="actions"><a id="first-page" href="#/jobs?${filters()}" ${after ? '' : 'hidden'}>First page</a><a id="next-page" hidden>Next page</a></div>`;
  document.getElementById('filter-status').addEventListener('change', (e) => {
    location.hash = `#/jobs?${new URLSearchParams({ ...(e.target.value && { status: e.target.value }), ...(sweepId && { sweepId }) })}`;
  });
  const query = new URLSearchParams({ limit: '25' });
  if (status) query.set('status', status);
  if (sweepId) query.set('sweepId', sweepId);
  if (after) query.set('after', after);
  const rows = document.getElementById('job-rows');
  const render = (list) => {
    rows.innerHTML = list.data.map((job) => `<tr data-job="${esc(job.id)}"><td><a href="#/jobs/${esc(job.id)}">${esc(job.id)}</a></td><td>${esc(job.model)}</td>
      <td class="hide-narrow">${esc(job.dataset)}</td><td>${statusBadge(job.status)}</td>
      <td><progress max="${job.progress.totalSteps}" value="${job.progress.step}" aria-label="step ${job.progress.step} of ${job.progress.totalSteps}"></progress> ${job.progress.step}/${job.progress.totalSteps}</td>
      <td class="hide-narrow">${when(job.createdAt)}</td></tr>`).join('') || `<tr><td colspan="6" class="muted">No jobs${status ? ` with status ${esc(status)}` : ''} yet.</td></tr>`;
    const next = document.getElementById('next-page');
    next.hidden = !list.nextCursor;
    if (list.nextCursor) next.href = `#/jobs?${filters({ after: list.nextCursor })}`;
  };
  let list = await getJson(`/v1/jobs?${query}`);
  render(list);
  stats.jobsRenderedAt ??= performance.now();
  // Live: each active job's event stream (a few at most) triggers a refresh; progress is refreshed while any runs.
  const refresh = async () => { list = await getJson(`/v1/jobs?${query}`); render(list); };
  for (const job of list.data.filter((j) => active(j.status)).slice(0, 4))
    quietly(streamEvents(`/v1/jobs/${job.id}/events/stream`, () => quietly(refresh()), page.signal));
  every(2000, () => { if (list.data.some((j) => active(j.status))) quietly(refresh()); });
}

async function jobPage(_, id) {
  view.innerHTML = `<h1>Job ${esc(id)} <span id="job-status"></span></h1>
    <div class="actions" id="job-actions"></div>
    <div class="grid2">
      <section class="panel" aria-labelledby="facts-title"><h2 id="facts-title">Run</h2><dl class="facts" id="job-facts"></dl></section>
      <section class="panel progress-grid" aria-labelledby="grid-title"><h2 id="grid-title">Progress samples</h2>
        <img id="progress-grid" alt="Samples drawn during training" hidden><p id="grid-note" class="muted">No samples yet.</p></section>
    </div>
    <section class="panel" aria-labelledby="curves-title"><h2 id="curves-title">Curves</h2><div class="grid2" id="curves"></div></section>
    <section class="panel" aria-labelledby="scores-title"><h2 id="scores-title">Scores</h2><div id="scores" class="table-wrap"><p class="muted">Not evaluated.</p></div></section>
    <section class="panel" aria-labelledby="events-title"><h2 id="events-title">Events</h2><ol class="events" id="events"></ol></section>`;
  let job = await getJson(`/v1/jobs/${id}`);
  let gridStep = -1;
  const events = document.getElementById('events');
  const seen = new Set();
  const addEvent = (e) => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    events.insertAdjacentHTML('beforeend', `<li data-kind="${esc(e.kind)}"><time>${when(e.at)}</time> <strong>${esc(e.kind)}</strong> ${esc(e.message)}</li>`);
    events.scrollTop = events.scrollHeight;
  };
  const renderJob = () => {
    document.getElementById('job-status').innerHTML = statusBadge(job.status);
    const p = job.progress;
    document.getElementById('job-facts').innerHTML = `
      <dt>Model</dt><dd>${esc(job.model)} on ${esc(job.dataset)}</dd>
      <dt>Progress</dt><dd><progress max="${p.totalSteps}" value="${p.step}" aria-label="training progress"></progress> <span id="job-step">${p.step}</span>/${p.totalSteps}</dd>
      <dt>Speed</dt><dd>${p.imagesPerSecond ? `${num(p.imagesPerSecond)} images/s` : '—'}${p.etaSeconds ? `, about ${Math.ceil(p.etaSeconds)} s left` : ''}</dd>
      <dt>Created</dt><dd>${when(job.createdAt)}</dd><dt>Started</dt><dd>${when(job.startedAt)}</dd><dt>Finished</dt><dd>${when(job.finishedAt)}</dd>
      <dt>Attempts</dt><dd>${job.attempts}</dd>
      ${job.error ? `<dt>Reason</dt><dd class="error">${esc(job.error)}</dd>` : ''}
      ${job.trial ? `<dt>Sweep</dt><dd><a href="#/sweeps/${esc(job.trial.sweepId)}">${esc(job.trial.sweepId)}</a> trial ${job.trial.number}</dd>` : ''}
      ${job.parentModelId ? `<dt>Compresses</dt><dd><a href="#/models/${esc(job.parentModelId)}">${esc(job.parentModelId)}</a></dd>` : ''}
      ${sourceFacts(job)}`;
    document.getElementById('job-actions').innerHTML = `
      ${active(job.status) && !job.cancelRequested ? '<button type="button" id="cancel-job" class="quiet">Cancel</button>' : ''}
      ${job.parentModelId ? '' : `<a href="#/jobs/new?from=${esc(job.id)}">Train again with changes</a>`}
      ${job.modelId ? `<a id="model-link" href="#/models/${esc(job.modelId)}">Model ${esc(job.modelId)}</a>` : ''}`;
    document.getElementById('cancel-job')?.addEventListener('click', async (e) => {
      e.target.disabled = true;
      job = await (await call(`/v1/jobs/${id}/cancel`, { method: 'POST' })).json();
      renderJob();
    });
  };
  const renderScores = (evaluations) => {
    if (!evaluations.length) return;
    const s = evaluations[evaluations.length - 1];
    const rows = [['Fréchet distance', s.frechetDistance, s.floor?.frechetDistance], ['KID', s.kid, s.floor?.kid], ['Precision', s.precision, s.floor?.precision],
      ['Recall', s.recall, s.floor?.recall], ['Class KL', s.classKl, s.floor?.classKl], ['Conditional accuracy', s.conditionalAccuracy], ['Reconstruction error', s.reconstructionError],
      ['ELBO', s.elbo]].filter(([, v]) => v !== null && v !== undefined);
    document.getElementById('scores').innerHTML = `<p class="muted">At step ${s.step}, on ${s.samples} samples; the floor is the dataset's train split against its test split, the best to expect.</p>
      <table id="scores-table"><thead><tr><th scope="col">Metric</th><th scope="col">Value</th><th scope="col">Floor</th></tr></thead><tbody>${rows
        .map(([name, v, floor]) => `<tr><td>${name}</td><td>${num(v, 4)}</td><td>${floor === undefined || floor === null ? '—' : num(floor, 4)}</td></tr>`).join('')}</tbody></table>`;
  };
  const refresh = async () => {
    const [current, metrics] = await Promise.all([getJson(`/v1/jobs/${id}`), getJson(`/v1/jobs/${id}/metrics?maxPoints=200`)]);
    job = current;
    renderJob();
    const points = metrics.points;
    document.getElementById('curves').innerHTML =
      lineChart('Loss', points, [{ key: 'lossD', label: 'D (VAEs: KL)', color: '#c2410c' }, { key: 'lossG', label: 'G (VAEs: −ELBO)', color: '#2456c9' }])
      + lineChart('Learning rate', points, [{ key: 'learningRate', label: 'learning rate', color: '#7c3aed' }])
      + lineChart('Throughput', points, [{ key: 'imagesPerSecond', label: 'images/s', color: '#15803d' }]);
    renderScores(metrics.evaluations);
    if (job.progress.step !== gridStep && job.progress.step > 0) {
      gridStep = job.progress.step;
      try {
        await showImage(document.getElementById('progress-grid'), `/v1/jobs/${id}/samples.png?step=${gridStep}`);
        document.getElementById('grid-note').hidden = true;
      } catch (error) {
        if (error.status !== 404) throw error;   // no grid written yet
      }
    }
  };
  renderJob();
  await refresh();
  const stream = streamEvents(`/v1/jobs/${id}/events/stream`, (e) => {
    addEvent(e);
    stats.eventLatenciesMs.push(Date.now() - Date.parse(e.at));
    if (['succeeded', 'failed', 'canceled', 'pruned', 'started', 'checkpoint'].includes(e.kind)) quietly(refresh());
  }, page.signal);
  quietly(stream);
  every(1000, () => { if (active(job.status)) quietly(refresh()); });
}

// Fields the form shows; everything else the job accepts goes through the JSON box.
// Where a job's weights came from: the checkpoint it continues, or the model or checkpoint it fine-tunes.
function sourceFacts(job) {
  const link = (ref) => ref.startsWith('model_') ? `<a href="#/models/${esc(ref)}">${esc(ref)}</a>`
    : `<a href="#/jobs/${esc(ref.split('/')[0])}">${esc(ref)}</a>`;
  const h = job.hyperparameters ?? {};
  return (h.resumeFrom ? `<dt>Resumed from</dt><dd>${link(h.resumeFrom)}</dd>` : '')
    + (h.initFrom ? `<dt>Fine-tuned from</dt><dd>${link(h.initFrom)}${h.freezeD ? `, D's first ${h.freezeD} block(s) frozen` : ''}</dd>` : '');
}

const formFields = [
  ['model', 'Model family', 'select'], ['dataset', 'Dataset', 'select'], ['steps', 'Steps', 'number'], ['batchSize', 'Batch size', 'number'],
  ['seed', 'Seed', 'number'], ['latentDim', 'Latent size', 'number'], ['baseChannels', 'Base channels', 'number'],
  ['checkpointEvery', 'Checkpoint every', 'number'], ['sampleEvery', 'Samples every', 'number'], ['loss', 'Loss', 'select'],
  ['optimizerG.lr', 'Generator learning rate', 'number'], ['optimizerD.lr', 'Critic learning rate', 'number'], ['evaluate', 'Evaluate', 'checkbox'],
];

function getPath(object, path) { return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), object); }
function setPath(object, path, value) {
  const keys = path.split('.');
  let o = object;
  for (const k of keys.slice(0, -1)) o = o[k] = typeof o[k] === 'object' && o[k] !== null ? o[k] : {};
  o[keys[keys.length - 1]] = value;
}
function withoutNulls(value) {
  if (Array.isArray(value) || typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

async function newJobPage(params) {
  const from = params.get('from');
  const [request, datasets, families, source, initModel] = await Promise.all([schema('CreateJobRequest'), getJson('/v1/datasets'), getJson('/v1/families'),
    from ? getJson(`/v1/jobs/${from}`) : Promise.resolve(null), params.get('init') ? getJson(`/v1/models/${params.get('init')}`) : Promise.resolve(null)]);
  // Which fields a family takes is the registry's (GET /v1/families): the form shows a family's own fields only.
  const familySpecific = new Set(families.flatMap((f) => f.fields.map((x) => x.name)));
  // What "start from this model" offers: the model asked for, else the model the source job made.
  const initId = initModel?.id ?? source?.modelId ?? null;
  const enumOf = (name) => request.properties[name]?.enum ?? [];
  const options = {
    model: families.map((f) => f.name),
    dataset: datasets.filter((d) => d.available).map((d) => d.id),
    loss: ['', ...enumOf('loss')],
  };
  // A job's resolved settings, as a request: only the fields a request takes, nulls dropped.
  const start = source
    ? withoutNulls(Object.fromEntries(Object.entries({ model: source.model, dataset: source.dataset, ...source.hyperparameters })
      .filter(([k]) => k in request.properties)))
    : { model: initModel?.family ?? 'dcgan', dataset: options.dataset.includes(initModel?.dataset) ? initModel.dataset : options.dataset.includes('fashion-mnist') ? 'fashion-mnist' : options.dataset[0],
      steps: 1000, batchSize: 64, checkpointEvery: 100, sampleEvery: 100 };
  delete start.initFrom;   // the checkbox below says where a fine-tune starts
  delete start.resumeFrom;
  const extra = structuredClone(start);
  for (const [name] of formFields) {
    const keys = name.split('.');
    if (keys.length === 1) delete extra[name];
    else if (extra[keys[0]]) { delete extra[keys[0]][keys[1]]; }
  }
  const input = ([name, label, type]) => {
    const id = `field-${name.replace('.', '-')}`;
    const value = getPath(start, name);
    const control = type === 'select'
      ? `<select id="${id}" name="${name}">${options[name].map((o) => `<option value="${esc(o)}" ${o === (value ?? '') ? 'selected' : ''}>${esc(o || 'family default')}</option>`).join('')}</select>`
      : type === 'checkbox'
        ? `<input id="${id}" name="${name}" type="checkbox" ${value ? 'checked' : ''}>`
        : `<input id="${id}" name="${name}" type="text" inputmode="decimal" value="${esc(value ?? '')}">`;
    return `<div class="field" data-field="${name}" ${familySpecific.has(name.split('.')[0]) ? 'data-family-field' : ''}><label for="${id}">${esc(label)}</label>${control}<div class="field-error" id="${id}-error" role="status"></div></div>`;
  };
  const initField = initId ? `<div class="field" data-field="initFrom"><label for="field-initFrom">Start from this model (${esc(initId)}): its weights,
      fresh optimizers and schedule; pick the new dataset above</label><input id="field-initFrom" name="initFrom" type="checkbox" ${initModel ? 'checked' : ''}>
      <div class="field-error" id="field-initFrom-error" role="status"></div></div>` : '';
  view.innerHTML = `<h1>${initModel ? `Fine-tune: ${esc(initModel.id)}` : source ? `Train again: ${esc(from)}` : 'New job'}</h1>
    <form id="job-form" class="panel" novalidate>
      <div id="form-summary" class="error" role="alert"></div>
      <p id="family-facts" class="muted"></p>
      <div class="form-grid">${formFields.map(input).join('')}</div>${initField}
      <div class="field" data-field="json"><h2><label for="field-json">More settings (JSON, merged under the fields above)</label></h2>
        <textarea id="field-json" name="json" spellcheck="false">${esc(JSON.stringify(extra, null, 2))}</textarea>
        <div class="field-error" id="field-json-error" role="status"></div></div>
      <div class="actions"><button type="submit" id="submit-job">Start training</button><a href="/swagger">Every field is described in the API reference</a></div>
    </form>`;
  const form = document.getElementById('job-form');
  // A family's fields show with its paper preset's values as placeholders; the others hide and are not sent.
  const showFamily = () => {
    const family = families.find((f) => f.name === form.elements.model.value);
    if (!family) return;
    const takes = new Map(family.fields.map((f) => [f.name, f]));
    for (const field of form.querySelectorAll('.field[data-family-field]')) {
      const name = field.dataset.field;
      field.hidden = !takes.has(name.split('.')[0]);
      const control = field.querySelector('input[type="text"]');
      const preset = getPath(family.presets.paper, name);
      if (control) control.placeholder = preset === undefined || preset === null ? '' : String(preset);
    }
    const loss = form.elements.loss;
    if (takes.get('loss')?.values) {
      const chosen = loss.value;
      loss.innerHTML = ['', ...takes.get('loss').values].map((o) => `<option value="${esc(o)}" ${o === chosen ? 'selected' : ''}>${esc(o || `family default (${family.presets.paper.loss})`)}</option>`).join('');
    }
    const bounds = (f) => f.values ? `${f.name} (${f.values.join(', ')})` : f.minimum !== null ? `${f.name} ${f.minimum}–${f.maximum}${f.maximumExclusive ? ' (excluded)' : ''}` : f.name;
    document.getElementById('family-facts').textContent = `${family.summary} It takes: ${family.fields.map(bounds).join(', ')}.`;
  };
  form.elements.model.addEventListener('change', showFamily);
  showFamily();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.querySelectorAll('.field').forEach((f) => { f.classList.remove('invalid'); f.querySelector('.field-error').textContent = ''; });
    document.getElementById('form-summary').textContent = '';
    let body;
    try {
      body = JSON.parse(form.json.value || '{}');
    } catch (error) {
      return showFieldErrors({ json: [`Not JSON: ${error.message}`] });
    }
    for (const [name, , type] of formFields) {
      const control = form.elements[name];
      if (control.closest('.field').hidden) continue;
      if (type === 'checkbox') setPath(body, name, control.checked);
      else if (control.value.trim() === '') continue;
      else if (type === 'number') setPath(body, name, Number.isNaN(Number(control.value)) ? control.value : Number(control.value));
      else setPath(body, name, control.value);
    }
    if (form.elements.initFrom?.checked) body.initFrom = initId;
    const button = document.getElementById('submit-job');
    button.disabled = true;
    try {
      const job = await (await call('/v1/jobs', { method: 'POST', json: body })).json();
      location.hash = `#/jobs/${job.id}`;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showFieldErrors(error.problem.errors ?? {}, error.message);
    } finally {
      button.disabled = false;
    }
  });

  // Each error goes next to its field; those of fields not on the form go under the JSON box.
  function showFieldErrors(errors, summary) {
    const names = Object.keys(errors);
    document.getElementById('form-summary').textContent = names.length ? `Please correct ${names.length} field${names.length > 1 ? 's' : ''}: ${names.join(', ')}.` : summary || '';
    for (const [name, messages] of Object.entries(errors)) {
      const field = form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) || form.querySelector('.field[data-field="json"]');
      field.classList.add('invalid');
      const slot = field.querySelector('.field-error');
      slot.textContent = `${slot.textContent}${slot.textContent ? ' ' : ''}${field.dataset.field === name ? '' : `${name}: `}${messages.join(' ')}`;
      field.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
    }
    form.querySelector('.field.invalid input, .field.invalid select, .field.invalid textarea')?.focus();
  }
}

// ---- models --------------------------------------------------------------------------------------------------------
async function modelsPage(params) {
  const after = params.get('after');
  const list = await getJson(`/v1/models?limit=25${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  view.innerHTML = `<h1>Models</h1><div class="table-wrap"><table><thead><tr><th scope="col">Model</th><th scope="col">Family</th><th scope="col">Dataset</th>
    <th scope="col">Steps</th><th scope="col" class="hide-narrow">Created</th></tr></thead><tbody>${list.data.map((m) => `<tr><td><a href="#/models/${esc(m.id)}">${esc(m.id)}</a></td>
    <td>${esc(m.family)}</td><td>${esc(m.dataset)}</td><td>${m.steps}</td><td class="hide-narrow">${when(m.createdAt)}</td></tr>`).join('')
    || '<tr><td colspan="5" class="muted">No models yet: train a job.</td></tr>'}</tbody></table></div>
    <div class="actions">${after ? '<a href="#/models">First page</a>' : ''}${list.nextCursor ? `<a href="#/models?after=${encodeURIComponent(list.nextCursor)}">Next page</a>` : ''}</div>`;
}

async function modelPage(_, id) {
  const model = await getJson(`/v1/models/${id}`);
  const job = model.jobId ? await getJson(`/v1/jobs/${model.jobId}`).catch(() => null) : null;
  const sequence = model.imageSize === null;
  const labelControl = model.classes ? `<div><label for="sample-label">Class</label><select id="sample-label"><option value="">every class</option>${model.classes
    .map((c, i) => `<option value="${i}">${esc(c)}</option>`).join('')}</select></div>` : '';
  const emaControl = model.ema ? '<div><label for="sample-ema">Weights</label><select id="sample-ema"><option value="">EMA (default)</option><option value="false">raw</option></select></div>' : '';
  view.innerHTML = `<h1>Model ${esc(id)}</h1>
    <section class="panel"><dl class="facts">
      <dt>Family</dt><dd>${esc(model.family)} on ${esc(model.dataset)}</dd><dt>Steps</dt><dd>${model.steps}</dd>
      <dt>Trained by</dt><dd>${model.jobId ? `<a href="#/jobs/${esc(model.jobId)}">${esc(model.jobId)}</a>` : 'an imported file'}</dd><dt>Created</dt><dd>${when(model.createdAt)}</dd>
      ${model.parentModelId ? `<dt>${model.compression ? 'Compressed' : 'Fine-tuned'} from</dt><dd><a href="#/models/${esc(model.parentModelId)}">${esc(model.parentModelId)}</a>${model.compressionReport
        ? ` (${num(model.compressionReport.sizeRatio)}× smaller, ${num(model.compressionReport.speedUp)}× faster)` : ''}</dd>` : ''}
      ${job ? sourceFacts(job) : ''}
    </dl></section>
    <p class="actions"><a id="fine-tune-link" href="#/jobs/new?init=${esc(id)}${model.jobId ? `&from=${esc(model.jobId)}` : ''}">Fine-tune: train on new data starting from this model</a></p>
    <section class="panel samples" aria-labelledby="samples-title"><h2 id="samples-title">Samples</h2>
      <form id="sample-form" class="controls">
        <div><label for="sample-count">Count</label><input id="sample-count" type="number" min="1" max="256" value="16"></div>
        <div><label for="sample-seed">Seed</label><input id="sample-seed" type="number" value="1"></div>
        ${labelControl}
        <div><label for="sample-truncation">Truncation ψ</label><input id="sample-truncation" type="text" inputmode="decimal" placeholder="none"></div>
        ${emaControl}
        <div><label for="sample-scale">Scale</label><select id="sample-scale"><option>1</option><option selected>2</option><option>4</option></select></div>
        <button type="submit">Draw</button>
      </form>
      <div id="sample-error"></div><img id="samples" alt="Generated samples" hidden>
    </section>
    ${model.translates ? '' : `<section class="panel samples" aria-labelledby="interp-title"><h2 id="interp-title">Interpolation</h2>
      <form id="interp-form" class="controls">
        <div><label for="interp-from">From seed</label><input id="interp-from" type="number" value="1"></div>
        <div><label for="interp-to">To seed</label><input id="interp-to" type="number" value="2"></div>
        <div><label for="interp-steps">Steps</label><input id="interp-steps" type="number" min="2" max="32" value="8"></div>
        <button type="submit">Interpolate</button></form><div id="interp-error"></div><img id="interpolation" alt="Interpolation between two seeds" hidden></section>`}
    ${model.reconstructs || model.translates ? `<section class="panel samples" aria-labelledby="drop-title"><h2 id="drop-title">${model.translates ? 'Translate' : 'Reconstruct'} an image</h2>
      ${model.translates ? '<div class="controls"><div><label for="translate-direction">Direction</label><select id="translate-direction"><option value="a-to-b">A → B</option><option value="b-to-a">B → A</option></select></div></div>' : ''}
      <div class="drop" id="drop">Drop a PNG or JPEG here, or <label for="drop-file" style="display:inline">choose one</label> <input id="drop-file" type="file" accept="image/png,image/jpeg"></div>
      <div id="drop-error"></div><img id="drop-result" alt="${model.translates ? 'Translation' : 'Reconstruction'}" hidden></section>` : ''}`;

  const draw = async (event) => {
    event?.preventDefault();
    const query = new URLSearchParams({ count: document.getElementById('sample-count').value, seed: document.getElementById('sample-seed').value,
      scale: document.getElementById('sample-scale').value });
    const optional = { label: 'sample-label', truncation: 'sample-truncation', ema: 'sample-ema' };
    for (const [name, element] of Object.entries(optional)) {
      const value = document.getElementById(element)?.value;
      if (value) query.set(name, value);
    }
    const slot = document.getElementById('sample-error');
    slot.innerHTML = '';
    const path = model.translates ? `/v1/models/${id}/translations.png?${query}` : `/v1/models/${id}/samples.png?${query}`;
    try { await showImage(document.getElementById('samples'), path); } catch (error) { slot.innerHTML = errorBox(error); }
  };
  document.getElementById('sample-form').addEventListener('submit', draw);
  document.getElementById('interp-form')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ from: document.getElementById('interp-from').value, to: document.getElementById('interp-to').value,
      steps: document.getElementById('interp-steps').value, scale: '2' });
    const slot = document.getElementById('interp-error');
    slot.innerHTML = '';
    try { await showImage(document.getElementById('interpolation'), `/v1/models/${id}/interpolate.png?${query}`); } catch (error) { slot.innerHTML = errorBox(error); }
  });
  const drop = document.getElementById('drop');
  if (drop) {
    const send = async (file) => {
      const slot = document.getElementById('drop-error');
      slot.innerHTML = '';
      const path = model.translates ? `/v1/models/${id}/translate?direction=${document.getElementById('translate-direction').value}&scale=4` : `/v1/models/${id}/reconstruct?scale=4`;
      try { await showImage(document.getElementById('drop-result'), path, { method: 'POST', body: file, contentType: file.type || 'image/png' }); }
      catch (error) { slot.innerHTML = errorBox(error); }
    };
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]); });
    document.getElementById('drop-file').addEventListener('change', (e) => { if (e.target.files[0]) send(e.target.files[0]); });
  }
  if (!sequence) await draw();
}

// ---- sweeps --------------------------------------------------------------------------------------------------------
async function sweepsPage() {
  const list = await getJson('/v1/sweeps?limit=50');
  view.innerHTML = `<h1>Sweeps</h1><div class="table-wrap"><table><thead><tr><th scope="col">Sweep</th><th scope="col">Status</th><th scope="col">Metric</th>
    <th scope="col">Best</th><th scope="col" class="hide-narrow">Created</th></tr></thead><tbody>${list.data.map((s) => `<tr><td><a href="#/sweeps/${esc(s.id)}">${esc(s.id)}</a></td>
    <td>${statusBadge(s.status)}</td><td>${esc(s.metric.name)} (${esc(s.metric.goal)})</td><td>${s.best ? num(s.best.score, 4) : '—'}</td><td class="hide-narrow">${when(s.createdAt)}</td></tr>`).join('')
    || '<tr><td colspan="5" class="muted">No sweeps yet: POST /v1/sweeps.</td></tr>'}</tbody></table></div>`;
}

async function sweepPage(_, id) {
  const sweep = await getJson(`/v1/sweeps/${id}`);
  let order = { key: 'score', direction: sweep.metric.goal === 'maximize' ? -1 : 1 };
  const columns = [['number', 'Trial'], ['status', 'Status'], ['score', sweep.metric.name], ['scoredAtStep', 'At step'], ['imagesPerSecond', 'Images/s'], ['wallSeconds', 'Seconds']];
  view.innerHTML = `<h1>Sweep ${esc(id)} ${statusBadge(sweep.status)}</h1>
    <section class="panel"><p>${esc(sweep.method)} search, ${sweep.maxTrials} trials, ranked by ${esc(sweep.metric.name)} (${esc(sweep.metric.goal)}).
      ${sweep.error ? `<span class="error">${esc(sweep.error)}</span>` : ''} <a id="sweep-trials" href="#/jobs?sweepId=${esc(id)}">Its trials in the jobs list</a></p><img id="sweep-chart" alt="Scores of the sweep's trials" hidden></section>
    <section class="panel"><h2>Leaderboard</h2><div class="table-wrap"><table><thead><tr>${columns
      .map(([key, label]) => `<th scope="col" aria-sort="none"><button type="button" data-sort="${key}">${esc(label)}</button></th>`).join('')}<th scope="col">Parameters</th><th scope="col">Job</th></tr></thead>
      <tbody id="leaderboard"></tbody></table></div></section>`;
  const body = document.getElementById('leaderboard');
  const render = () => {
    const rows = [...sweep.leaderboard].sort((a, b) => {
      const [x, y] = [a[order.key], b[order.key]];
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * order.direction;
    });
    body.innerHTML = rows.map((t) => `<tr><td>${t.number}</td><td>${statusBadge(t.status)}</td><td>${num(t.score, 4)}</td><td>${t.scoredAtStep ?? '—'}</td>
      <td>${num(t.imagesPerSecond)}</td><td>${num(t.wallSeconds)}</td><td><code>${esc(JSON.stringify(t.parameters))}</code></td>
      <td><a href="#/jobs/${esc(t.jobId)}">${esc(t.jobId)}</a>${t.modelId ? ` · <a href="#/models/${esc(t.modelId)}">model</a>` : ''}</td></tr>`).join('');
    view.querySelectorAll('th[aria-sort]').forEach((th) => {
      const key = th.querySelector('button').dataset.sort;
      th.setAttribute('aria-sort', key === order.key ? (order.direction > 0 ? 'ascending' : 'descending') : 'none');
    });
  };
  view.querySelectorAll('th button[data-sort]').forEach((button) => button.addEventListener('click', () => {
    const key = button.dataset.sort;
    order = { key, direction: order.key === key ? -order.direction : 1 };
    render();
  }));
  render();
  quietly(showImage(document.getElementById('sweep-chart'), `/v1/sweeps/${id}/chart.png`));
}

route();
