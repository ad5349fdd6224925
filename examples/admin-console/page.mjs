// The admin console's page: lists a task flow's instances, 20 to a page, and stops, suspends,
// resumes or reruns them. It never sees a long-term key: short-lived STS credentials come from
// the console's backend (/console/dms-credentials), and every DMS call goes to the backend's
// same-origin proxy path (/api/dms), which forwards only the five actions used here.
import { DmsClient, DmsError, instanceStatusName } from 'dms-taskflow';

const PAGE_SIZE = 20;

const client = new DmsClient({
  // { accessKeyId, accessKeySecret, securityToken, expiration }: cached until a minute before expiration.
  credentials: async () => {
    const response = await fetch('/console/dms-credentials', { cache: 'no-store' });
    if (!response.ok) throw new Error(`the console's backend gave no credentials (HTTP ${response.status})`);
    return response.json();
  },
  endpoint: `${location.origin}/api/dms`,
});

// Per button: the call, and the statuses that mean it has taken effect (the one the instance
// was in is left out, so a poll made before DMS moves it does not end the wait).
const ACTIONS = {
  Stop: {
    call: ({ dagId, id }) => client.stopTaskFlowInstance({ dagId, dagInstanceId: id }),
    until: ['completed', 'succeeded', 'failed'],
  },
  Suspend: {
    call: ({ dagId, id }) => client.suspendTaskFlowInstance({ dagId, dagInstanceId: id }),
    until: ['suspended', 'completed', 'succeeded', 'failed'],
  },
  Resume: {
    call: ({ dagId, id, dagVersion }) => client.resumeTaskFlowInstance({ dagId, dagInstanceId: id, dagVersion }),
    until: ['running', 'completed', 'succeeded', 'failed'],
  },
  Rerun: {
    call: ({ dagId, id, dagVersion }) => client.reRunTaskFlowInstance({ dagId, dagInstanceId: id, dagVersion }),
    until: ['waiting', 'running', 'completed', 'succeeded', 'failed'],
  },
};

const $ = (selector) => document.querySelector(selector);
const view = { dagId: $('#dag-id').value, pageIndex: 1, hasNext: false, busy: false };

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const statusName = (instance) => instanceStatusName(instance.status) ?? `unknown (${instance.status})`;

function statusBadge(name) {
  return element('span', { className: `status status-${name}`, textContent: name });
}

function setActivity(text) {
  $('#activity').textContent = text;
}

function showError(what, error) {
  const box = $('#error');
  const code = error instanceof DmsError ? error.code : error?.name ?? 'Error';
  const message = error?.message ?? String(error);
  box.replaceChildren(
    element('p', {}, element('strong', { textContent: what })),
    element('p', {}, element('code', { className: 'error-code', textContent: code }), `: ${message}`),
    element('p', {}, 'Request id: ', element('code', { className: 'request-id', textContent: error?.requestId ?? 'none (no answer from DMS)' })),
  );
  box.hidden = false;
}

function clearError() {
  $('#error').hidden = true;
  $('#error').replaceChildren();
}

/** Disables every button while a list or an action is in flight. */
function setBusy(busy) {
  view.busy = busy;
  for (const button of document.querySelectorAll('tbody button, #picker button')) button.disabled = busy;
  $('#previous').disabled = busy || view.pageIndex <= 1;
  $('#next').disabled = busy || !view.hasNext;
}

function instanceRow(dagId, instance) {
  const id = String(instance.id);
  const dagVersion = instance.dagVersion === undefined ? undefined : String(instance.dagVersion);
  const buttons = Object.keys(ACTIONS).map((label) =>
    element('button', { type: 'button', textContent: label, onclick: () => act(label, { dagId, id, dagVersion, status: statusName(instance) }) }),
  );
  const row = element(
    'tr',
    {},
    element('td', { textContent: id }),
    element('td', { textContent: dagVersion ?? '' }),
    element('td', { textContent: instance.startTime || '—' }),
    element('td', { className: 'status-cell' }, statusBadge(statusName(instance))),
    element('td', { className: 'actions' }, ...buttons),
  );
  row.dataset.instanceId = id;
  return row;
}

/** One page of instances through client.paginate; one entry more tells whether a next page exists. */
async function loadPage() {
  const { dagId, pageIndex } = view;
  const entries = [];
  for await (const instance of client.paginate('listTaskFlowInstance', { dagId, pageIndex, pageSize: PAGE_SIZE })) {
    entries.push(instance);
    if (entries.length > PAGE_SIZE) break; // ends the loop: no further page is fetched
  }
  view.hasNext = entries.length > PAGE_SIZE;
  const shown = entries.slice(0, PAGE_SIZE);
  const first = (pageIndex - 1) * PAGE_SIZE + 1;
  const flowName = shown[0]?.dagName ? ` · ${shown[0].dagName}` : '';
  $('#caption').textContent = `Task flow ${dagId}${flowName}`;
  $('#page-label').textContent = shown.length ? `Page ${pageIndex} · instances ${first}–${first + shown.length - 1}` : `Page ${pageIndex}`;
  const rows = shown.map((instance) => instanceRow(dagId, instance));
  if (rows.length === 0) rows.push(element('tr', {}, element('td', { colSpan: 5, textContent: `No instances in task flow ${dagId}.` })));
  $('#instances tbody').replaceChildren(...rows);
}

async function show(what) {
  setBusy(true);
  try {
    await loadPage();
    return true;
  } catch (error) {
    showError(what, error);
    return false;
  } finally {
    setBusy(false);
  }
}

async function act(label, instance) {
  if (view.busy) return;
  const { dagId, id, status } = instance;
  const row = document.querySelector(`tr[data-instance-id="${id}"]`);
  clearError();
  setBusy(true);
  row?.setAttribute('aria-busy', 'true');
  const statusCell = row?.querySelector('.status-cell');
  try {
    setActivity(`${label} ${id}: sending…`);
    await ACTIONS[label].call(instance);
    setActivity(`${label} ${id}: accepted, waiting for the instance…`);
    const until = ACTIONS[label].until.filter((name) => name !== status);
    const result = await client.waitForInstance({
      dagId,
      dagInstanceId: id,
      until,
      intervalMs: 500,
      timeoutMs: 120_000,
      onProgress: ({ status: now, polls }) => {
        statusCell?.replaceChildren(statusBadge(now));
        setActivity(`${label} ${id}: ${now} (poll ${polls})`);
      },
    });
    setActivity(`${label} ${id}: done, now ${result.status}.`);
  } catch (error) {
    setActivity(`${label} ${id}: failed.`);
    showError(`${label} of instance ${id} failed`, error);
    return;
  } finally {
    row?.removeAttribute('aria-busy');
    setBusy(false);
  }
  await show('Refreshing the list failed');
}

$('#picker').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (view.busy) return;
  clearError();
  view.dagId = $('#dag-id').value.trim();
  view.pageIndex = 1;
  if (await show(`Listing task flow ${view.dagId} failed`)) setActivity('');
});

async function goToPage(pageIndex) {
  if (view.busy) return;
  const previous = view.pageIndex;
  clearError();
  view.pageIndex = pageIndex;
  if (!(await show(`Listing page ${pageIndex} failed`))) {
    view.pageIndex = previous;
    setBusy(false);
  }
}

$('#previous').addEventListener('click', () => goToPage(view.pageIndex - 1));
$('#next').addEventListener('click', () => goToPage(view.pageIndex + 1));

if (await show(`Listing task flow ${view.dagId} failed`)) setActivity('');
