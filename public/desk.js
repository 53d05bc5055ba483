// faceidx review site: the one script of every page (served by faceidx; no libraries, no build step).
// It sends the review actions (with the page's CSRF token), shows their outcome, searches by a
// dropped photo and applies live updates (Server-Sent Events). Text from the server is only ever
// set with textContent, never parsed as HTML.
'use strict';
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  var page = document.body.dataset.page || '';

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'className') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function when(ms) {
    return ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  }

  function toast(message, kind, undoEntry) {
    var box = document.getElementById('toasts');
    if (!box) return;
    var t = el('div', { className: 'toast ' + (kind || 'info'), role: kind === 'error' ? 'alert' : 'status' }, [el('span', { text: message })]);
    if (undoEntry) {
      var b = el('button', { type: 'button', text: 'Undo' });
      b.addEventListener('click', function () { act('/api/undo', { entry: undoEntry }, { reload: true }); t.remove(); });
      t.appendChild(b);
    }
    box.appendChild(t);
    setTimeout(function () { t.remove(); }, undoEntry ? 15000 : 8000);
  }

  // A message to show after the next page load (actions that navigate).
  function later(message, undoEntry) {
    try { sessionStorage.setItem('faceidx-flash', JSON.stringify({ message: message, undo: undoEntry || null })); } catch (e) { /* private mode */ }
  }
  try {
    var flash = JSON.parse(sessionStorage.getItem('faceidx-flash') || 'null');
    sessionStorage.removeItem('faceidx-flash');
    if (flash) toast(flash.message, 'ok', flash.undo);
  } catch (e) { /* nothing saved */ }

  function post(url, body) {
    var headers = { 'x-csrf-token': csrf };
    var payload = body;
    if (!(body instanceof FormData)) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return fetch(url, { method: 'POST', headers: headers, body: payload, credentials: 'same-origin' }).then(function (res) {
      if (res.status === 401) location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
      return res.json().catch(function () { return { error: 'HTTP ' + res.status }; }).then(function (data) {
        if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
        return data;
      });
    });
  }

  var UNDOABLE = { '/api/label': true, '/api/merge': true };

  function act(url, body, opts) {
    return post(url, body).then(function (data) {
      var undoEntry = UNDOABLE[url] ? data.audit : null;
      if (data.redirect) {
        later(data.message, undoEntry);
        location.assign(data.redirect);
      } else if (opts && opts.reload) {
        later(data.message, undoEntry);
        location.reload();
      } else {
        toast(data.message, 'ok', undoEntry);
      }
      return data;
    }, function (err) {
      toast(err.message, 'error');
    });
  }

  document.addEventListener('click', function (ev) {
    var b = ev.target.closest('[data-action]');
    if (!b) return;
    var d = b.dataset;
    switch (d.action) {
      case 'not':
        act('/api/not', { face: Number(d.face), person: Number(d.person) }, { reload: true });
        break;
      case 'not-track':
        if (confirm('Every face of track ' + d.track + ' is not person ' + d.person + '?')) act('/api/not-track', { track: Number(d.track), person: Number(d.person) }, { reload: true });
        break;
      case 'watch': {
        var name = prompt('Name to watch for (alerts show it):');
        if (name && name.trim()) act('/api/watch', { name: name.trim(), face: Number(d.face) });
        break;
      }
      case 'forget':
        if (confirm('Forget person ' + d.person + '? Their faces, thumbnails and vectors are erased for good; this cannot be undone.')) act('/api/forget', { person: Number(d.person) });
        break;
      case 'merge':
        b.disabled = true;
        act('/api/merge', { a: Number(d.a), b: Number(d.b) }).then(function () { b.disabled = false; });
        break;
      case 'watch-remove':
        if (confirm('Stop watching for "' + d.name + '"? Its alerts stay.')) act('/api/watch/remove', { name: d.name }, { reload: true });
        break;
      case 'undo':
        act('/api/undo', { entry: Number(d.entry) }, { reload: true });
        break;
    }
  });

  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (f.dataset.api !== 'label') return;
    ev.preventDefault();
    act('/api/label', { person: Number(f.dataset.person), name: f.elements.name.value }, { reload: true });
  });

  // People page: tick two people, compare them side by side (then merge there).
  var compare = document.getElementById('compare');
  var picked = [];
  function showPicked() {
    if (!compare) return;
    compare.disabled = picked.length !== 2;
    document.getElementById('picked').textContent = picked.length ? 'ticked: person ' + picked.join(' and person ') : '';
  }
  document.addEventListener('change', function (ev) {
    var box = ev.target;
    if (!box.classList || !box.classList.contains('pick-box')) return;
    var id = Number(box.value);
    picked = picked.filter(function (x) { return x !== id; });
    if (box.checked) picked.push(id);
    while (picked.length > 2) {
      var drop = picked.shift();
      var other = document.querySelector('.pick-box[value="' + drop + '"]');
      if (other) other.checked = false;
    }
    showPicked();
  });
  if (compare) compare.addEventListener('click', function () {
    if (picked.length === 2) location.assign('/compare?a=' + picked[0] + '&b=' + picked[1]);
  });

  // Search by photo: drop one on the people or search page, or pick one on the search page.
  var results = document.getElementById('search-results');
  function showResults(data) {
    results.hidden = false;
    results.textContent = '';
    results.appendChild(el('h2', { text: data.faces.length ? 'Faces in the photo' : 'No face found in the photo' }));
    data.faces.forEach(function (f, i) {
      var box = f.box;
      results.appendChild(el('h3', { text: 'Face ' + (i + 1) + ' at ' + Math.round(box.x) + ',' + Math.round(box.y) + ' (' + Math.round(box.width) + 'x' + Math.round(box.height) + ' px)' }));
      if (!f.matches.length) { results.appendChild(el('p', { text: 'No people stored yet.' })); return; }
      var rows = f.matches.map(function (m) {
        var likely = m.distance < data.threshold;
        return el('tr', { className: likely ? 'likely' : '' }, [
          el('td', {}, [el('img', { className: 'face small', src: '/face/' + m.faceId + '.jpg', alt: 'face ' + m.faceId })]),
          el('td', {}, [el('a', { href: '/person/' + m.personId, text: 'person ' + m.personId })]),
          el('td', { text: m.label || '' }),
          el('td', { className: 'n', text: m.distance.toFixed(3) }),
          el('td', { text: likely ? 'likely the same person' : '' }),
          el('td', { text: m.sightingsTotal + ' sightings, ' + m.visits.length + ' visits' }),
        ]);
      });
      var head = el('tr', {}, ['face', 'person', 'label', 'distance', '', 'seen'].map(function (h) { return el('th', { text: h }); }));
      results.appendChild(el('table', { className: 'search' }, [head].concat(rows)));
    });
  }
  function search(file) {
    if (!results || !file) return;
    results.hidden = false;
    results.textContent = 'Searching for the faces in ' + file.name + '...';
    var form = new FormData();
    form.append('photo', file, file.name);
    post('/api/search', form).then(showResults, function (err) {
      results.textContent = '';
      toast(err.message, 'error');
    });
  }
  if (results) {
    document.addEventListener('dragover', function (ev) { ev.preventDefault(); document.body.classList.add('dragging'); });
    document.addEventListener('dragleave', function (ev) { if (!ev.relatedTarget) document.body.classList.remove('dragging'); });
    document.addEventListener('drop', function (ev) {
      ev.preventDefault();
      document.body.classList.remove('dragging');
      var file = ev.dataTransfer && ev.dataTransfer.files[0];
      if (file) search(file);
    });
    var input = document.getElementById('photo');
    if (input) input.addEventListener('change', function () { search(input.files[0]); });
  }

  // Person page: candidate merges, looked up after the page is shown (every stored face is compared).
  var cand = document.getElementById('candidates');
  if (cand) {
    fetch('/api/candidates/' + cand.dataset.person, { credentials: 'same-origin' }).then(function (res) {
      return res.json().then(function (data) { if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status)); return data; });
    }).then(function (data) {
      cand.textContent = '';
      if (!data.candidates.length) { cand.appendChild(el('p', { text: 'None.' })); return; }
      var review = document.body.dataset.role !== 'read-only';
      var head = el('tr', {}, ['face', 'person', 'label', 'distance', ''].map(function (h) { return el('th', { text: h }); }));
      var rows = data.candidates.map(function (c) {
        var img = c.faceId === null ? el('span', { className: 'noimg small', text: 'no image' }) : el('img', { className: 'face small', src: '/face/' + c.faceId + '.jpg', alt: 'person ' + c.personId });
        return el('tr', { 'data-person': String(c.personId) }, [
          el('td', {}, [img]), el('td', {}, [el('a', { href: '/person/' + c.personId, text: String(c.personId) })]), el('td', { text: c.label || '' }),
          el('td', { className: 'n', text: c.distance.toFixed(3) }),
          el('td', {}, [el('a', { className: 'button', href: '/compare?a=' + cand.dataset.person + '&b=' + c.personId, text: review ? 'Compare and merge' : 'Compare' })]),
        ]);
      });
      cand.appendChild(el('table', { id: 'candidates-table' }, [head].concat(rows)));
    }).catch(function (err) {
      cand.textContent = '';
      cand.appendChild(el('p', { className: 'error', text: 'Candidate merges: ' + err.message }));
    });
  }

  // Live updates: new people on the (unfiltered) people page, people leaving it, alerts.
  if (!csrf || page === 'login' || !window.EventSource) return;
  var grid = document.getElementById('people');
  var total = document.getElementById('people-total');
  function bump(n) { if (total) total.textContent = String(Math.max(0, Number(total.textContent) + n)); }
  function card(p) {
    var pick = document.body.dataset.pick === '1';
    var name = 'person ' + p.id + (p.label ? ' (' + p.label + ')' : '');
    var img = p.faceId === null ? el('span', { className: 'noimg small', text: 'no image' }) : el('img', { className: 'face small', src: '/face/' + p.faceId + '.jpg', alt: name });
    var title = el('a', { href: '/person/' + p.id, text: 'person ' + p.id });
    var head = pick ? el('label', { className: 'pick' }, [el('input', { type: 'checkbox', className: 'pick-box', value: String(p.id) }), document.createTextNode(' '), title]) : title;
    return el('div', { className: 'card new', 'data-person': String(p.id) }, [
      el('a', { href: '/person/' + p.id }, [img]),
      el('div', { className: 'card-text' }, [
        head,
        p.label ? el('span', { className: 'label', text: p.label }) : null,
        el('span', { className: 'muted', text: p.faces + ' faces, ' + p.tracks + ' tracks' + (p.identified ? '' : ', low-res only') }),
        el('span', { className: 'muted cams', text: p.cameras.join(', ') }),
        el('span', { className: 'muted', text: when(p.firstSeen) + ' to ' + when(p.lastSeen) }),
      ]),
    ]);
  }
  var events = new EventSource('/events');
  events.addEventListener('person', function (ev) {
    var p = JSON.parse(ev.data).person;
    if (grid && grid.dataset.live === 'on' && !grid.querySelector('[data-person="' + p.id + '"]')) {
      grid.insertBefore(card(p), grid.firstChild);
      bump(1);
    }
    toast('new person ' + p.id + ' (' + p.faces + ' faces on ' + p.cameras.join(', ') + ')', 'info');
  });
  events.addEventListener('retired', function (ev) {
    var r = JSON.parse(ev.data);
    var c = grid && grid.querySelector('[data-person="' + r.id + '"]');
    if (c) { c.remove(); bump(-1); }
  });
  events.addEventListener('alert', function (ev) {
    var a = JSON.parse(ev.data).alert;
    toast('ALERT: ' + a.entryName + ' seen on camera ' + a.cameraId + ' at ' + when(a.ts), 'alert');
    var body = document.querySelector('#alerts tbody');
    if (!body) return;
    var img = a.hasThumbnail ? el('img', { className: 'face small', src: '/alert/' + a.id + '.jpg', alt: 'alert ' + a.id }) : el('span', { className: 'noimg small', text: 'no image' });
    var person = a.personId === null ? document.createTextNode('-') : el('a', { href: '/person/' + a.personId, text: String(a.personId) });
    body.insertBefore(el('tr', { 'data-alert': String(a.id), className: 'new' }, [
      el('td', {}, [img]), el('td', { className: 'n', text: String(a.id) }), el('td', { text: when(a.ts) }), el('td', { text: a.entryName }),
      el('td', {}, [el('a', { href: '/camera/' + encodeURIComponent(a.cameraId), text: a.cameraId })]), el('td', {}, [person]), el('td', { className: 'n', text: a.distance.toFixed(3) }),
    ]), body.firstChild);
  });
})();
