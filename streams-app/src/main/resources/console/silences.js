'use strict';
// Silences: active and recently ended, a form whose matchers are previewed against what exists right now (error groups
// as their ERROR alerts, instances as their INSTANCE_DOWN alerts), and "expire now", which ends one but keeps it listed.
(() => {
  const { el, api, post, time, link, status, replace, param, refreshAccess, poll, canChange } = Tocsin;
  const FIELDS = ['service', 'environment', 'instance', 'kind', 'severity', 'key'];
  const UPPER = new Set(['kind', 'severity']);
  let lastBody = '';
  let groups = [];
  let instances = [];

  function matcherText(m) {
    return Object.entries(m.fields || {}).map(([k, v]) => k + '=' + [].concat(v).sort().join(',')).join(' ');
  }

  function row(s, active) {
    return el('tr', { 'data-silence': s.id },
      el('td', { 'data-label': 'Matchers' }, el('span', { class: 'fp', text: matcherText(s.matchers) })),
      el('td', { 'data-label': 'From' }, time(s.startsAt)),
      el('td', { 'data-label': 'Until' }, time(s.endsAt)),
      el('td', { 'data-label': 'Who / why' }, el('strong', { text: s.createdBy }), el('div', { text: s.comment })),
      active ? el('td', { 'data-mutating': true, hidden: !canChange() },
        el('button', { type: 'button', class: 'secondary expire', disabled: !canChange(), onclick: () => expire(s.id), text: 'Expire now' })) : null);
  }

  async function expire(id) {
    try {
      await post('api/silences/' + encodeURIComponent(id) + '/expire', {});
      status('silence ' + id + ' ended');
      lastBody = '';
      await refresh();
    } catch (e) {
      status('could not expire: ' + e.message, true);
    }
  }

  async function refresh() {
    const body = await api('api/silences?ended=true');
    const text = JSON.stringify(body);
    if (text === lastBody) return;
    lastBody = text;
    const now = Date.now();
    const active = body.filter((s) => new Date(s.endsAt).getTime() > now);
    const ended = body.filter((s) => new Date(s.endsAt).getTime() <= now).reverse();
    replace(document.querySelector('#active tbody'), active.length ? active.map((s) => row(s, true)) : el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'none' })));
    replace(document.querySelector('#ended tbody'), ended.length ? ended.map((s) => row(s, false)) : el('tr', {}, el('td', { colspan: 4, class: 'muted', text: 'none' })));
    if (!document.getElementById('status').classList.contains('error')) status(active.length + ' active');
  }

  function matchers() {
    const out = {};
    for (const f of FIELDS) {
      const values = document.getElementById('m-' + f).value.split(',').map((v) => v.trim()).filter(Boolean)
        .map((v) => (UPPER.has(f) ? v.toUpperCase() : v));
      if (values.length) out[f] = values;
    }
    return out;
  }

  // The same rule as the server's Matchers: every named field must equal one of its values.
  function wouldMatch(m, alert) {
    return Object.entries(m).every(([f, values]) => alert[f] !== undefined && alert[f] !== null && values.includes(alert[f]));
  }

  function preview() {
    const m = matchers();
    const box = document.getElementById('preview');
    if (!Object.keys(m).length) { box.textContent = 'name at least a service, an instance or a key'; return; }
    const g = groups.filter((x) => wouldMatch(m, { service: x.service, environment: x.environment, key: x.fingerprint, kind: 'ERROR', severity: 'ERROR' }));
    const i = instances.filter((x) => wouldMatch(m, { service: x.service, environment: x.environment, instance: x.instance,
      key: x.service + '/' + x.instance, kind: 'INSTANCE_DOWN', severity: 'CRITICAL' }));
    replace(box, 'Would match now: ' + g.length + ' error group(s)', g.length ? ' (' : '',
      g.slice(0, 5).flatMap((x, n) => [n ? ', ' : null, link('group.html', { fingerprint: x.fingerprint }, x.title)]), g.length > 5 ? ', …' : '', g.length ? ')' : '',
      ' and the down alerts of ' + i.length + ' instance(s)', i.length ? ' (' + i.slice(0, 5).map((x) => x.service + '/' + x.instance).join(', ') + (i.length > 5 ? ', …' : '') + ')' : '');
  }

  async function loadPreviewData() {
    try {
      [groups, instances] = await Promise.all([api('api/error-groups?limit=10000'), api('api/instances?status=all')]);
    } catch (e) {
      groups = []; instances = [];
    }
    preview();
  }

  for (const f of FIELDS) {
    const input = document.getElementById('m-' + f);
    input.value = param(f) || '';
    input.addEventListener('input', preview);
  }
  document.getElementById('s-by').value = localStorage.getItem('tocsin.createdBy') || '';
  document.getElementById('silence-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const createdBy = document.getElementById('s-by').value.trim();
    localStorage.setItem('tocsin.createdBy', createdBy);
    try {
      const s = await post('api/silences', { matchers: matchers(), duration: document.getElementById('s-duration').value,
        createdBy: createdBy, comment: document.getElementById('s-comment').value.trim() });
      lastBody = '';
      await refresh();
      status('created silence ' + s.id);
    } catch (e) {
      status('silence refused: ' + e.message, true);
    }
  });
  document.addEventListener('tocsin-access', () => { lastBody = ''; refresh(); });
  refreshAccess().then(loadPreviewData);
  poll(refresh, 5000);
})();
