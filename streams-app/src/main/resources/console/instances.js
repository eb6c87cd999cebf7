'use strict';
// Instances per service, live and not: status, heartbeat age, load, since when, flapping. The API lists the least
// loaded first, so the first UP instance of a service is the one /api/instances/best would route to.
(() => {
  const { el, api, time, ago, link, status, replace, param, refreshAccess, poll, alertTable } = Tocsin;
  const AVAILABILITY = 'INSTANCE_DOWN,INSTANCE_UP,SERVICE_DOWN,SERVICE_UP,INSTANCE_FLAPPING';
  const container = document.getElementById('services');
  const recent = document.getElementById('recent');
  let lastRecent = '';
  const serviceSel = document.getElementById('service');
  const wanted = param('instance');
  let lastBody = '';
  let chosen = param('service') || '';

  function load(entry) {
    const figures = Object.entries(entry.load || {});
    return figures.length ? figures.map(([k, v]) => k + '=' + (Math.round(v * 100) / 100)).join(', ') : '–';
  }

  function row(e, best) {
    const flapping = e.outage && e.outage.flapping;
    return el('tr', { class: e.instance === wanted ? 'highlight' : null, 'data-instance': e.instance, 'data-status': e.status },
      el('td', { 'data-label': 'Instance' }, el('span', { class: 'title', text: e.instance }),
        best ? el('span', { class: 'badge best', title: 'least loaded live instance', text: 'best' }) : null,
        el('div', { class: 'muted', text: e.address || '' })),
      el('td', { 'data-label': 'Status' }, el('span', { class: 'badge ' + e.status, text: e.status }),
        flapping ? el('span', { class: 'badge flapping', text: 'flapping' }) : null,
        e.lastFailure ? el('div', { class: 'muted', text: e.lastFailure }) : null),
      el('td', { 'data-label': 'Last heartbeat' }, ago(e.lastHeartbeat), el('div', {}, time(e.lastHeartbeat))),
      el('td', { 'data-label': 'Since' }, ago(e.since)),
      el('td', { 'data-label': 'Load' }, load(e)),
      el('td', { 'data-label': 'Environment' }, e.environment));
  }

  function render(entries) {
    const byService = new Map();
    entries.forEach((e) => { if (!byService.has(e.service)) byService.set(e.service, []); byService.get(e.service).push(e); });
    replace(serviceSel, el('option', { value: '', text: 'all' }), [...byService.keys()].sort().map((s) => el('option', { value: s, text: s })));
    serviceSel.value = chosen;
    const sections = [];
    for (const service of [...byService.keys()].sort()) {
      if (chosen && service !== chosen) continue;
      const list = byService.get(service);
      const best = list.find((e) => e.status === 'UP');
      const up = list.filter((e) => e.status === 'UP').length;
      sections.push(el('section', { 'data-service': service },
        el('h2', {}, service + ' ', el('span', { class: 'muted', text: up + ' of ' + list.length + ' up · ' }),
          link('./', { service: service }, 'error groups')),
        el('table', {}, el('thead', {}, el('tr', {}, ['Instance', 'Status', 'Last heartbeat', 'Since', 'Load', 'Environment'].map((h) => el('th', { text: h })))),
          el('tbody', {}, list.map((e) => row(e, e === best))))));
    }
    replace(container, sections.length ? sections : el('p', { class: 'muted', text: 'no instances' }));
    status(entries.length + ' instances');
  }

  async function refreshRecent() {
    const list = await api('api/alerts?limit=30&kind=' + AVAILABILITY + (chosen ? '&service=' + encodeURIComponent(chosen) : ''));
    const text = JSON.stringify(list);
    if (text === lastRecent) return;
    lastRecent = text;
    replace(recent, el('h2', { text: 'Recent down and up alerts' }), alertTable(list, true));
  }

  async function refresh() {
    const body = await api('api/instances?status=all');
    const text = JSON.stringify(body);
    if (text !== lastBody || document.getElementById('status').classList.contains('error')) {
      lastBody = text;
      render(body);
    }
    await refreshRecent();
  }

  serviceSel.addEventListener('change', () => {
    chosen = serviceSel.value;
    history.replaceState(null, '', chosen ? '?service=' + encodeURIComponent(chosen) : location.pathname);
    lastBody = '';
    lastRecent = '';
    refresh();
  });
  refreshAccess();
  poll(refresh, 1000);
})();
