// GenApi console: the sweeps list and a sweep's leaderboard.
import { view, getJson, showImage, esc, when, num, statusBadge, quietly } from './api.js';

// ---- sweeps --------------------------------------------------------------------------------------------------------
export async function sweepsPage() {
  const list = await getJson('/v1/sweeps?limit=50');
  view.innerHTML = `<h1>Sweeps</h1><div class="table-wrap"><table><thead><tr><th scope="col">Sweep</th><th scope="col">Status</th><th scope="col">Metric</th>
    <th scope="col">Best</th><th scope="col" class="hide-narrow">Created</th></tr></thead><tbody>${list.data.map((s) => `<tr><td><a href="#/sweeps/${esc(s.id)}">${esc(s.id)}</a></td>
    <td>${statusBadge(s.status)}</td><td>${esc(s.metric.name)} (${esc(s.metric.goal)})</td><td>${s.best ? num(s.best.score, 4) : '—'}</td><td class="hide-narrow">${when(s.createdAt)}</td></tr>`).join('')
    || '<tr><td colspan="5" class="muted">No sweeps yet: POST /v1/sweeps.</td></tr>'}</tbody></table></div>`;
}

export async function sweepPage(_, id) {
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
