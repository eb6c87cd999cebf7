'use strict';
// Post-mortem: starts a replay of a range in the app (POST api/post-mortem), follows its progress and draws the report
// the replay command writes as JSON: counts, services that were down, groups, and the timeline of what alerted.
(() => {
  const { el, api, post, time, link, status, replace, refreshAccess } = Tocsin;
  const report = document.getElementById('report');
  const cancelButton = document.getElementById('cancel');
  let following = false;

  // datetime-local holds the browser's local time without a zone; Date parses it as local, toISOString gives UTC
  function localInput(d) {
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
  }

  function table(headers, rows) {
    return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', { text: h })))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: headers.length, class: 'muted', text: 'none' }))));
  }

  function td(label, ...content) {
    return el('td', { 'data-label': label }, ...content);
  }

  function draw(r) {
    const c = r.counts || {};
    replace(report,
      el('section', { class: 'card' }, el('h2', { text: 'Summary' }), el('dl', { class: 'facts', id: 'counts' },
        el('dt', { text: 'Range' }), el('dd', {}, time(r.from), ' – ', time(r.to)),
        el('dt', { text: 'Error events' }), el('dd', { text: String(c.errorEvents) }),
        el('dt', { text: 'Heartbeats' }), el('dd', { text: String(c.heartbeats) }),
        el('dt', { text: 'Alerts' }), el('dd', { id: 'alert-count', text: c.alerts + ' (' + c.silencedAlerts + ' silenced)' }),
        el('dt', { text: 'Dead letters' }), el('dd', { text: String(c.deadLetters) }))),
      el('h2', { text: 'Services down' }),
      table(['Service', 'Environment', 'Seconds down', 'Instances'], (r.services || []).map((s) => el('tr', {},
        td('Service', link('instances.html', { service: s.service }, s.service)), td('Environment', s.environment),
        td('Seconds down', String(s.secondsDown)), td('Instances', (s.instancesDown || []).join(', '))))),
      el('h2', { text: 'Error groups' }),
      table(['Group', 'Service', 'Occurrences', 'Alerts sent / suppressed'], (r.groups || []).map((g) => el('tr', { 'data-fingerprint': g.fingerprint },
        td('Group', link('group.html', { fingerprint: g.fingerprint }, g.title)), td('Service', g.service),
        td('Occurrences', String(g.occurrences)), td('Alerts sent / suppressed', g.alertsSent + ' / ' + g.alertsSuppressed)))),
      el('h2', { text: 'Timeline' }),
      table(['Time', 'What', 'Title'], (r.timeline || []).map((t) => el('tr', { class: 'timeline' },
        td('Time', time(t.time)), td('What', t.what, t.silenced ? el('span', { class: 'badge silenced', text: 'silenced' }) : null),
        td('Title', t.title || t.key || '')))));
  }

  function show(s) {
    cancelButton.hidden = s.state !== 'RUNNING';
    if (s.state === 'IDLE') { status('no post-mortem run yet'); return; }
    const range = s.from ? new Date(s.from).toLocaleString() + ' – ' + new Date(s.to).toLocaleString() : '';
    if (s.state === 'RUNNING') status('replaying ' + range + ': ' + s.read + ' of ' + s.total + ' records');
    else if (s.state === 'DONE') status('report of ' + range + (s.services.length ? ' for ' + s.services.join(', ') : ''));
    else if (s.state === 'FAILED') status('the replay failed: ' + s.error, true);
    else status('stopped');
    if (s.state === 'DONE' && s.report) draw(s.report);
  }

  async function follow() {
    if (following) return;
    following = true;
    try {
      for (;;) {
        const s = await api('api/post-mortem');
        show(s);
        if (s.state !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (e) {
      status(e.message, true);
    } finally {
      following = false;
    }
  }

  const now = new Date();
  document.getElementById('from').value = localInput(new Date(now.getTime() - 3600 * 1000));
  document.getElementById('to').value = localInput(new Date(now.getTime() + 60 * 1000));
  document.getElementById('run-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await post('api/post-mortem', {
        from: new Date(document.getElementById('from').value).toISOString(),
        to: new Date(document.getElementById('to').value).toISOString(),
        services: document.getElementById('services').value.split(',').map((v) => v.trim()).filter(Boolean),
      });
      replace(report);
      follow();
    } catch (e) {
      status('not started: ' + e.message, true);
    }
  });
  cancelButton.addEventListener('click', () => api('api/post-mortem', { method: 'DELETE' }).catch((e) => status(e.message, true)));
  refreshAccess();
  follow();
})();
