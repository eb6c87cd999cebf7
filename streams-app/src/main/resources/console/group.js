'use strict';
// One error group: its figures, the scrubbed sample (in-app frames highlighted), and a silence for just this group
// (matched by its fingerprint, the key of its alerts).
(() => {
  const { el, api, post, time, link, status, replace, param, refreshAccess, poll, lastDay, sparkline, alertTable } = Tocsin;
  const fingerprint = param('fingerprint');
  const facts = document.getElementById('facts');
  const sample = document.getElementById('sample');
  const alerts = document.getElementById('alerts');
  let group = null;
  let lastBody = '';
  let lastAlerts = '';

  function fact(name, ...value) {
    return [el('dt', { text: name }), el('dd', {}, ...value)];
  }

  function frames(list) {
    return el('ol', { class: 'frames' }, (list || []).map((f) => el('li', { class: f.inApp ? 'in-app' : null, title: f.inApp ? 'in-app frame' : null },
      f.className + '.' + f.method + '(' + (f.file || 'unknown source') + (f.line > 0 ? ':' + f.line : '') + ')')));
  }

  function exceptionChain(ex) {
    const parts = [];
    for (let e = ex, depth = 0; e && depth < 32; e = e.cause, depth++) {
      parts.push(el('div', { class: 'chain' },
        el('h3', { class: 'exception-type', text: (depth ? 'Caused by: ' : '') + e.type }),
        e.message ? el('pre', { class: 'message', text: e.message }) : null,
        frames(e.frames)));
    }
    return parts;
  }

  function renderFacts(g) {
    document.title = 'Tocsin · ' + g.title;
    document.getElementById('title').textContent = g.title;
    replace(facts, el('dl', { class: 'facts' },
      fact('Fingerprint', el('span', { class: 'fp', text: g.fingerprint })),
      fact('Service', link('instances.html', { service: g.service }, g.service), ' · ' + g.environment),
      fact('Occurrences', g.totalCount + ' in all, ' + g.windowCount + ' in the open window' + (g.lateCount ? ', ' + g.lateCount + ' too late' : '')),
      fact('Last 24 h', sparkline(lastDay(g.hourly, g.hourlyEnd).slots, 240, 40),
        el('div', { class: 'muted', id: 'per-hour', text: lastDay(g.hourly, g.hourlyEnd).hour + ' in the last hour, ' + lastDay(g.hourly, g.hourlyEnd).day + ' in the last day (per hour, event time)' })),
      fact('Window', g.windowStart ? time(g.windowStart) : '–', ' – ', g.windowEnd ? time(g.windowEnd) : '–'),
      fact('Alerts', g.alertsSent + ' sent, ' + g.windowSuppressed + ' suppressed in this window'),
      fact('First seen', time(g.firstSeen)),
      fact('Last seen', time(g.lastSeen)),
      fact('Silenced', g.silencedBy ? link('silences.html', {}, g.silencedBy) : 'no'),
      fact('Seen on', (g.instances || []).flatMap((i, n) => [n ? ', ' : null, link('instances.html', { service: g.service, instance: i }, i)]))));
  }

  function renderSample(e) {
    if (!e) {
      replace(sample, el('h2', { text: 'Latest sample' }), el('p', { class: 'muted', text: 'no sample kept for this group' }));
      return;
    }
    const req = e.request;
    const tags = Object.entries(e.tags || {});
    replace(sample, el('h2', { text: 'Latest sample' }),
      el('dl', { class: 'facts' },
        fact('At', time(e.timestamp)),
        fact('Instance', link('instances.html', { service: e.service, instance: e.instance }, e.instance)),
        fact('Category', e.category || '–'),
        req ? fact('Request', el('span', { class: 'request', text: (req.method || '') + ' ' + (req.url || '') })) : null,
        tags.length ? fact('Tags', tags.map(([k, v]) => k + '=' + v).join(', ')) : null,
        fact('Event id', el('span', { class: 'fp', text: e.id }))),
      exceptionChain(e.exception));
  }

  async function loadAlerts() {
    const list = await api('api/alerts?key=' + encodeURIComponent(fingerprint));
    const text = JSON.stringify(list);
    if (text === lastAlerts) return;
    lastAlerts = text;
    replace(alerts, el('h2', { text: 'Alerts' }), alertTable(list, false));
  }

  async function load() {
    const body = await api('api/error-groups/' + encodeURIComponent(fingerprint));
    const text = JSON.stringify(body);
    if (text !== lastBody) {
      lastBody = text;
      group = body;
      renderFacts(body);
      renderSample(body.sample);
    }
    await loadAlerts();
    status('');
  }

  document.getElementById('silence-by').value = localStorage.getItem('tocsin.createdBy') || '';
  document.getElementById('silence-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!group) return;
    const createdBy = document.getElementById('silence-by').value.trim();
    localStorage.setItem('tocsin.createdBy', createdBy);
    try {
      const s = await post('api/silences', {
        matchers: { service: group.service, environment: group.environment, key: group.fingerprint },
        duration: document.getElementById('silence-duration').value,
        createdBy: createdBy,
        comment: document.getElementById('silence-comment').value.trim(),
      });
      lastBody = '';
      await load();
      status('silenced until ' + new Date(s.endsAt).toLocaleString() + ' (silence ' + s.id + ')');
    } catch (e) {
      status('silence refused: ' + e.message, true);
    }
  });

  if (!fingerprint || !/^[A-Za-z0-9._-]+$/.test(fingerprint)) {
    status('no such group', true);
    return;
  }
  refreshAccess();
  poll(load, 5000);
})();
