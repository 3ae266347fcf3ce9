// GenApi console: the models gallery and a model's page (samples, interpolation, reconstruct/translate, lineage).
import { view, page, getJson, showImage, esc, when, num, every, errorBox } from './api.js';
import { sourceFacts } from './jobs.js';

// ---- models --------------------------------------------------------------------------------------------------------
export async function modelsPage(params) {
  const after = params.get('after');
  const list = await getJson(`/v1/models?limit=25${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  view.innerHTML = `<h1>Models</h1><div class="table-wrap"><table><thead><tr><th scope="col">Model</th><th scope="col">Family</th><th scope="col">Dataset</th>
    <th scope="col">Steps</th><th scope="col" class="hide-narrow">Created</th></tr></thead><tbody>${list.data.map((m) => `<tr><td><a href="#/models/${esc(m.id)}">${esc(m.id)}</a></td>
    <td>${esc(m.family)}</td><td>${esc(m.dataset)}</td><td>${m.steps}</td><td class="hide-narrow">${when(m.createdAt)}</td></tr>`).join('')
    || '<tr><td colspan="5" class="muted">No models yet: train a job.</td></tr>'}</tbody></table></div>
    <div class="actions">${after ? '<a href="#/models">First page</a>' : ''}${list.nextCursor ? `<a href="#/models?after=${encodeURIComponent(list.nextCursor)}">Next page</a>` : ''}</div>`;
}

export async function modelPage(_, id) {
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
