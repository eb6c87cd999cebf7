// Shared by every console page. Event text only ever reaches the page through textContent / createTextNode
// (el() below); nothing here builds HTML from strings, and the server's Content-Security-Policy forbids inline script.
'use strict';

const Tocsin = (() => {
  const TOKEN_KEY = 'tocsin.token';
  let access = { tokenConfigured: false, reads: true, changes: false };

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function headers(extra) {
    const h = Object.assign({ Accept: 'application/json' }, extra || {});
    const t = token();
    if (t) h.Authorization = 'Bearer ' + t;
    return h;
  }

  async function api(path, options) {
    const opts = Object.assign({}, options || {});
    opts.headers = headers(opts.headers);
    const r = await fetch(path, opts);
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const err = new Error((body && body.error) || ('HTTP ' + r.status));
      err.status = r.status;
      throw err;
    }
    return body;
  }

  function post(path, body) {
    return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  // Local time shown, UTC on hover: incidents are discussed across zones.
  function time(iso) {
    if (!iso) return el('span', { text: '–' });
    const d = new Date(iso);
    return el('time', { datetime: iso, title: d.toISOString().replace('.000Z', 'Z') + ' (UTC)', text: d.toLocaleString() });
  }

  function age(iso) {
    if (!iso) return '–';
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.round(s / 60) + ' min';
    if (s < 172800) return Math.round(s / 3600) + ' h';
    return Math.round(s / 86400) + ' d';
  }

  function ago(iso) {
    const e = el('span', { class: 'age', title: iso ? new Date(iso).toISOString() + ' (UTC)' : null, text: age(iso) + (iso ? ' ago' : '') });
    if (iso) e.dataset.since = iso;
    return e;
  }

  function param(name) {
    return new URLSearchParams(location.search).get(name);
  }

  function link(page, params, text) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v) q.set(k, v);
    const qs = q.toString();
    return el('a', { href: page + (qs ? '?' + qs : ''), text: text });
  }

  function status(message, isError) {
    const s = document.getElementById('status');
    if (!s) return;
    s.textContent = message || '';
    s.className = isError ? 'status error' : 'status';
  }

  function replace(node, ...children) {
    while (node.firstChild) node.removeChild(node.firstChild);
    for (const c of children.flat()) if (c) node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }

  // Read-only without a token: controls that change something are hidden and disabled, and the server refuses anyway.
  function applyAccess() {
    document.body.classList.toggle('read-only', !access.changes);
    for (const c of document.querySelectorAll('[data-mutating]')) {
      c.hidden = !access.changes;
      for (const i of c.querySelectorAll('input, button, select, textarea')) i.disabled = !access.changes;
    }
    const box = document.getElementById('login');
    if (!box) return;
    let content;
    if (access.changes && token()) {
      content = [el('span', { text: 'signed in' }), el('button', { type: 'button', id: 'logout', onclick: logout, text: 'Sign out' })];
    } else if (access.changes) {
      content = [el('span', { class: 'muted', text: 'changes allowed (loopback, no token)' })];
    } else if (access.tokenConfigured) {
      const input = el('input', { type: 'password', id: 'token', name: 'token', placeholder: 'token', autocomplete: 'current-password', required: true });
      content = [el('form', { id: 'login-form', onsubmit: (ev) => { ev.preventDefault(); login(input.value); } },
        el('span', { class: 'muted', text: 'read-only · ' }), input, el('button', { type: 'submit', text: 'Sign in' }))];
    } else {
      content = [el('span', { class: 'muted', text: 'read-only (no http.token on this server)' })];
    }
    replace(box, content);
  }

  async function refreshAccess() {
    try {
      access = await api('api/access');
    } catch (e) {
      access = { tokenConfigured: false, reads: true, changes: false };
    }
    applyAccess();
    return access;
  }

  async function login(value) {
    sessionStorage.setItem(TOKEN_KEY, value.trim());
    await refreshAccess();
    if (!access.changes) {
      sessionStorage.removeItem(TOKEN_KEY);
      applyAccess();
      status('that token was refused', true);
    } else {
      status('');
      document.dispatchEvent(new Event('tocsin-access'));
    }
  }

  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    refreshAccess().then(() => document.dispatchEvent(new Event('tocsin-access')));
  }

  // Polls without overlapping requests; a hidden tab does not poll.
  function poll(fn, ms) {
    const tick = async () => {
      if (!document.hidden) {
        try { await fn(); } catch (e) { status(e.message, true); }
      }
      setTimeout(tick, ms);
    };
    tick();
  }

  function tickAges() {
    for (const a of document.querySelectorAll('.age[data-since]')) a.textContent = age(a.dataset.since) + ' ago';
  }
  setInterval(tickAges, 1000);

  // The group's hourly counts (event time) laid over the 24 hours ending with the current one, newest last.
  function lastDay(hourly, hourlyEnd) {
    const HOUR = 3600 * 1000;
    const counts = hourly || [];
    const currentEnd = Math.ceil(Date.now() / HOUR) * HOUR;
    const shift = hourlyEnd ? Math.round((currentEnd - new Date(hourlyEnd).getTime()) / HOUR) : 0;
    const slots = [];
    for (let back = 23; back >= 0; back--) {
      const i = counts.length - 1 - (back - shift);
      slots.push(back >= shift && i >= 0 && i < counts.length ? counts[i] : 0);
    }
    return { slots, hour: slots[23], day: slots.reduce((a, b) => a + b, 0) };
  }

  function sparkline(slots, width, height) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'occurrences per hour, last 24 h: ' + slots.join(' '));
    const max = Math.max(1, ...slots);
    const w = width / slots.length;
    slots.forEach((v, n) => {
      if (!v) return;
      const h = Math.max(1, Math.round((v / max) * (height - 1)));
      const r = document.createElementNS(NS, 'rect');
      r.setAttribute('x', (n * w).toFixed(1));
      r.setAttribute('y', String(height - h));
      r.setAttribute('width', Math.max(1, w - 1).toFixed(1));
      r.setAttribute('height', String(h));
      svg.appendChild(r);
    });
    return svg;
  }

  // What an alert's delivery state says to a person: the route's answer for a retry or a refusal, the silence.
  function delivery(a) {
    const note = {
      WAITING: 'waiting for its route',
      RETRYING: 'not taken yet: ' + (a.detail || '') + ' (' + a.attempts + ' failed)',
      DELIVERED: a.attempts ? 'after ' + a.attempts + ' failed attempt' + (a.attempts > 1 ? 's' : '') : (a.detail || ''),
      SILENCED: null,
      REFUSED: 'refused for good: ' + (a.detail || ''),
    }[a.state];
    const silence = a.state === 'SILENCED' && a.detail
      ? (a.detail.startsWith('silence:') ? link('silences.html', {}, a.detail) : el('span', { text: a.detail })) : null;
    return [el('span', { class: 'badge ' + a.state, text: a.state.toLowerCase() }), ' ', ago(a.at),
      note || silence ? el('div', { class: 'muted' }, note, silence) : null];
  }

  // A table of alerts as /api/alerts lists them (newest first); withSubject: which group, instance or service.
  function alertTable(alerts, withSubject) {
    if (!alerts.length) return el('p', { class: 'muted', text: 'no alerts on record' });
    const subject = (a) => a.kind === 'ERROR' || a.kind === 'ERROR_DIGEST'
      ? link('group.html', { fingerprint: a.key }, a.title)
      : link('instances.html', { service: a.service, instance: a.instance }, a.instance ? a.service + '/' + a.instance : a.service);
    const what = (a) => a.kind + (a.occurrence ? ' ' + a.occurrence + '/' + a.limit : '') + (a.suppressed ? ' · ' + a.suppressed + ' suppressed' : '');
    return el('table', { class: 'alerts' },
      el('thead', {}, el('tr', {}, ['At', withSubject ? 'About' : null, 'Alert', 'Route', 'Slack delivery'].filter(Boolean).map((h) => el('th', { text: h })))),
      el('tbody', {}, alerts.map((a) => el('tr', { 'data-alert': a.id, 'data-state': a.state },
        el('td', { 'data-label': 'At' }, time(a.timestamp)),
        withSubject ? el('td', { 'data-label': 'About' }, subject(a)) : null,
        el('td', { 'data-label': 'Alert' }, what(a), withSubject ? null : el('div', { class: 'muted', text: a.title })),
        el('td', { 'data-label': 'Route' }, a.route),
        el('td', { 'data-label': 'Slack delivery' }, delivery(a))))));
  }

  return { el, api, post, time, ago, age, param, link, status, replace, refreshAccess, poll, lastDay, sparkline, alertTable,
    canChange: () => access.changes };
})();
