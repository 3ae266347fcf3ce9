// GenApi console: the jobs list and a job's page (status, live curves, progress grid, events, cancel).
import { view, stats, page, call, getJson, showImage, streamEvents, esc, when, num, statusBadge, active, every, quietly, lineChart } from './api.js';

// ---- jobs ----------------------------------------------------------------------------------------------------------
const statuses = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'pruned'];

export async function jobsPage(params) {
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

export async function jobPage(_, id) {
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
export function sourceFacts(job) {
  const link = (ref) => ref.startsWith('model_') ? `<a href="#/models/${esc(ref)}">${esc(ref)}</a>`
    : `<a href="#/jobs/${esc(ref.split('/')[0])}">${esc(ref)}</a>`;
  const h = job.hyperparameters ?? {};
  return (h.resumeFrom ? `<dt>Resumed from</dt><dd>${link(h.resumeFrom)}</dd>` : '')
    + (h.initFrom ? `<dt>Fine-tuned from</dt><dd>${link(h.initFrom)}${h.freezeD ? `, D's first ${h.freezeD} block(s) frozen` : ''}</dd>` : '');
}
