// GenApi console: a small single-page client of the public /v1 API (no private endpoints). Hash routes keep it a
// static file set; every call carries the session's API key, so a team sees what its key sees.
import { view, keyDialog, keyInput, errorBox, askForKey, nextPage } from './api.js';
import { jobsPage, jobPage } from './jobs.js';
import { newJobPage } from './new-job.js';
import { modelsPage, modelPage } from './models.js';
import { sweepsPage, sweepPage } from './sweeps.js';

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
  nextPage();
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

document.getElementById('key-button').addEventListener('click', () => askForKey());
keyDialog.addEventListener('close', () => {
  if (keyDialog.returnValue === 'save' && keyInput.value.trim()) sessionStorage.setItem('genapi.key', keyInput.value.trim());
  if (keyDialog.returnValue === 'forget') sessionStorage.removeItem('genapi.key');
  if (keyDialog.returnValue) route();
});

route();
