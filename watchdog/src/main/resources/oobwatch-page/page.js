// oobwatch status page: refreshes <main id="live"> from the server every few seconds, and sends
// acknowledgements and silences through the same token-protected API as the CLI. The token lives
// in this script's memory; it is written to sessionStorage (this tab only, gone when it closes)
// only when the person ticks "remember in this tab". Never to a cookie, never into the page.
(function () {
  'use strict';
  var KEY = 'oobwatch-api-token';
  var token = '';
  try {
    token = window.sessionStorage.getItem(KEY) || '';
  } catch (e) {
    token = '';
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function notice(text, bad) {
    var n = byId('notice');
    n.textContent = text;
    n.className = bad ? 'bad' : 'ok';
  }

  function applyToken() {
    var acts = document.querySelectorAll('button.act, select.silence-for');
    for (var i = 0; i < acts.length; i++) {
      acts[i].disabled = !token;
    }
    var remembered = false;
    try {
      remembered = !!window.sessionStorage.getItem(KEY);
    } catch (e) {
      remembered = false;
    }
    byId('token-state').textContent = token
      ? 'token given' + (remembered ? ' (remembered in this tab)' : ' (for this page only)')
      : 'read-only: give the API token to acknowledge or silence';
    document.body.classList.toggle('can-act', !!token);
  }

  function busy() {
    var a = document.activeElement;
    return a && byId('live').contains(a) && (a.tagName === 'SELECT' || a.tagName === 'INPUT');
  }

  function refresh() {
    if (busy()) {
      return Promise.resolve();
    }
    return fetch('/', { cache: 'no-store', credentials: 'omit' })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var live = doc.getElementById('live');
        if (!live) {
          throw new Error('no live section');
        }
        byId('live').replaceWith(document.importNode(live, true));
        document.title = doc.title;
        var updated = doc.getElementById('updated');
        if (updated) {
          byId('updated').textContent = updated.textContent;
        }
        byId('connection').textContent = '';
        document.body.classList.remove('stale');
        applyToken();
      })
      .catch(function (e) {
        byId('connection').textContent = 'cannot reach oobwatch (' + e.message + '); showing the last answer';
        document.body.classList.add('stale');
      });
  }

  function send(method, path, body) {
    var headers = { Authorization: 'Bearer ' + token };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    return fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit'
    }).then(function (r) {
      return r.json().catch(function () {
        return {};
      }).then(function (j) {
        return { ok: r.ok, status: r.status, text: j.message || j.error || ('HTTP ' + r.status) };
      });
    });
  }

  function report(result) {
    notice(result.ok ? result.text : 'refused (' + result.status + '): ' + result.text, !result.ok);
    return refresh();
  }

  document.addEventListener('click', function (ev) {
    var b = ev.target.closest ? ev.target.closest('button.act') : null;
    if (!b) {
      return;
    }
    if (!token) {
      notice('refused: give the API token first (http.api_token_file)', true);
      return;
    }
    if (b.hasAttribute('data-ack')) {
      send('POST', '/alerts/' + encodeURIComponent(b.getAttribute('data-ack')) + '/ack').then(report);
    } else if (b.hasAttribute('data-subject')) {
      var select = b.parentNode.querySelector('select.silence-for');
      var length = select ? select.value : '1h';
      send('POST', '/silences', {
        subject: b.getAttribute('data-subject'),
        for: length,
        reason: 'silenced from the status page'
      }).then(report);
    }
  });

  byId('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = byId('token');
    token = input.value.trim();
    input.value = '';
    try {
      if (token && byId('remember').checked) {
        window.sessionStorage.setItem(KEY, token);
      } else {
        window.sessionStorage.removeItem(KEY);
      }
    } catch (e) {
      // storage refused: the token stays in memory only
    }
    applyToken();
  });

  byId('forget-token').addEventListener('click', function () {
    token = '';
    try {
      window.sessionStorage.removeItem(KEY);
    } catch (e) {
      // nothing stored
    }
    byId('remember').checked = false;
    applyToken();
  });

  applyToken();
  var every = parseInt(document.body.getAttribute('data-refresh-ms'), 10) || 5000;
  window.setInterval(refresh, every);
})();
