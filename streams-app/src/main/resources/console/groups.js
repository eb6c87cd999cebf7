'use strict';
// The error-groups page: most recently seen first, filtered by service and environment on the server (the index by
// service) and by the search box in the browser; polls every 5 s and redraws only when something changed.
(() => {
  const { el, api, time, link, status, replace, param, refreshAccess, poll, lastDay, sparkline } = Tocsin;
  const serviceSel = document.getElementById('service');
  const envSel = document.getElementById('environment');
  const search = document.getElementById('search');
  const tbody = document.querySelector('#groups tbody');
  const limit = Math.min(10000, Number(param('limit')) || 1000);
  const services = new Set();
  const environments = new Set();
  let groups = [];
  let lastBody = '';

  serviceSel.value = param('service') || '';
  envSel.value = param('environment') || '';
  search.value = param('q') || '';

  function addOption(select, set, value) {
    if (!value || set.has(value)) return;
    set.add(value);
    const options = [...set].sort();
    const chosen = select.value;
    replace(select, el('option', { value: '', text: 'all' }), options.map((v) => el('option', { value: v, text: v })));
    select.value = chosen;
  }

  function row(g) {
    const title = el('td', { class: 'title', 'data-label': 'Group' },
      link('group.html', { fingerprint: g.fingerprint }, g.title),
      g.silencedBy ? el('span', { class: 'badge silenced', title: g.silencedBy, text: 'silenced' }) : null,
      el('div', { class: 'fp', text: g.fingerprint }));
    return el('tr', { 'data-fingerprint': g.fingerprint }, title,
      el('td', { 'data-label': 'Service' }, link('instances.html', { service: g.service }, g.service), el('div', { class: 'muted', text: g.environment })),
      occurrences(g),
      el('td', { 'data-label': 'First seen' }, time(g.firstSeen)),
      el('td', { 'data-label': 'Last seen' }, time(g.lastSeen)),
      el('td', { class: 'num', 'data-label': 'Alerts sent / suppressed' }, g.alertsSent + ' / ' + g.windowSuppressed));
  }

  function occurrences(g) {
    const d = lastDay(g.hourly, g.hourlyEnd);
    return el('td', { class: 'num', 'data-label': 'Occurrences' }, String(g.totalCount), ' ', sparkline(d.slots, 72, 16),
      el('div', { class: 'muted', text: d.hour + ' last hour · ' + d.day + ' last day' }));
  }

  function matches(g, words) {
    const hay = (g.title + ' ' + g.fingerprint + ' ' + g.service + ' ' + g.environment + ' ' + (g.instances || []).join(' ')).toLowerCase();
    return words.every((w) => hay.includes(w));
  }

  function render() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = groups.filter((g) => matches(g, words));
    const frag = document.createDocumentFragment();
    shown.forEach((g) => frag.appendChild(row(g)));
    replace(tbody, frag);
    // lets anyone (and ConsoleWeightIT) read the time to the first drawn list from the Performance API
    if (!performance.getEntriesByName('tocsin-groups-rendered').length) performance.mark('tocsin-groups-rendered');
    status(shown.length === groups.length ? groups.length + ' groups' + (groups.length === limit ? ' (the most recent ' + limit + ')' : '')
      : shown.length + ' of ' + groups.length + ' groups match');
  }

  function keepInUrl() {
    const q = new URLSearchParams();
    if (serviceSel.value) q.set('service', serviceSel.value);
    if (envSel.value) q.set('environment', envSel.value);
    if (search.value) q.set('q', search.value);
    if (param('limit')) q.set('limit', param('limit'));
    history.replaceState(null, '', q.toString() ? '?' + q : location.pathname);
  }

  async function load() {
    const q = new URLSearchParams({ limit: String(limit) });
    if (serviceSel.value) q.set('service', serviceSel.value);
    if (envSel.value) q.set('environment', envSel.value);
    const body = await api('api/error-groups?' + q);
    body.forEach((g) => { addOption(serviceSel, services, g.service); addOption(envSel, environments, g.environment); });
    const text = JSON.stringify(body);
    if (text !== lastBody || document.getElementById('status').classList.contains('error')) {
      lastBody = text;
      groups = body;
      render();
    }
  }

  addOption(serviceSel, services, param('service'));
  addOption(envSel, environments, param('environment'));
  serviceSel.addEventListener('change', () => { keepInUrl(); load(); });
  envSel.addEventListener('change', () => { keepInUrl(); load(); });
  search.addEventListener('input', () => { keepInUrl(); render(); });
  document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
  refreshAccess();
  poll(load, 5000);
})();
