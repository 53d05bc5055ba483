/**
 * The people page's script (written as people.js beside the page; no inline script runs): filter by text (debounced; each row's text read once) and
 * camera, sort by a column (first click ascending). No network, no libraries.
 */
export const PEOPLE_SCRIPT = `
(function () {
  var body = document.querySelector('#people tbody');
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('filter');
  var camera = document.getElementById('camera');
  var shown = document.getElementById('shown');
  var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
  rows.forEach(function (r, i) { r.dataset.i = String(i); });
  var timer;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(apply, 150);
  }
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var cam = camera.value;
    var n = 0;
    rows.forEach(function (r) {
      var ok = (!q || text[Number(r.dataset.i)].indexOf(q) >= 0) && (!cam || (' ' + r.dataset.cameras + ' ').indexOf(' ' + cam + ' ') >= 0);
      r.style.display = ok ? '' : 'none';
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  var dir = {};
  function sortBy(key) {
    dir[key] = dir[key] === 1 ? -1 : 1;
    var d = dir[key];
    rows.sort(function (a, b) {
      if (key === 'label') return d * a.cells[2].textContent.localeCompare(b.cells[2].textContent);
      return d * (Number(a.dataset[key]) - Number(b.dataset[key]));
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
  }
  filter.addEventListener('input', later);
  camera.addEventListener('change', apply);
  document.querySelectorAll('th.sort').forEach(function (th) {
    th.addEventListener('click', function () { sortBy(th.dataset.key); });
  });
})();
`;
