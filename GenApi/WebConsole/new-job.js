// GenApi console: the job form (new, train again, fine-tune), showing the chosen family's fields only.
import { view, ApiError, call, getJson, schema, esc, every } from './api.js';

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

export async function newJobPage(params) {
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
