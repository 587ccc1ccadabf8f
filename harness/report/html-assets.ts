/**
 * The HTML report's stylesheet and its one script (filters, expand, copy), inline in the page:
 * the report loads nothing. The script's hash goes into the page's Content-Security-Policy.
 */
export const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--head:#eef1f4;
--pass:#116329;--pass-bg:#dafbe1;--fail:#b3111f;--fail-bg:#ffe2e0;--warn:#7d4e00;--warn-bg:#fff1b8;--skip:#59636e;--skip-bg:#eceff2;--error:#6e2fc0;--error-bg:#efe4ff}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
main{max-width:1400px;margin:0 auto;padding:20px 28px 48px}
h1{font-size:22px;margin:0;font-weight:650;letter-spacing:-.01em}
h2{font-size:16px;margin:28px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:18px 0 8px;display:inline-flex;gap:8px;align-items:baseline}
h4{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:14px 0 6px}
a{color:#0550ae}
.muted{color:var(--muted);font-weight:400}
.note,.hint{color:var(--muted);font-size:12px;font-weight:400}
.top{display:flex;justify-content:space-between;align-items:center;gap:16px;flex-wrap:wrap;padding-bottom:14px;border-bottom:2px solid var(--fg)}
.brand{display:flex;align-items:baseline;gap:12px}
.version{color:var(--muted);font-size:12px}
.status{display:flex;align-items:center;gap:10px;border-radius:6px;padding:6px 12px;font-size:13px}
.status.ok{background:var(--pass-bg);color:var(--pass)}
.status.bad{background:var(--fail-bg);color:var(--fail)}
.status .fail-on{opacity:.8}
.status-word{font-weight:750;letter-spacing:.06em}
.overview{display:grid;grid-template-columns:minmax(0,1.25fr) minmax(0,1fr);gap:24px;margin-top:16px;align-items:start}
.meta{display:grid;grid-template-columns:auto 1fr;gap:5px 14px;margin:0}
.meta dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding-top:2px}
.meta dd{margin:0;overflow-wrap:anywhere}
.chip{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 8px;font-size:12px;background:var(--soft)}
.cards{display:grid;grid-template-columns:repeat(6,1fr);gap:8px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px;border-top-width:4px}
.card-n{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.card-l{font-size:12px;color:var(--muted)}
.card.v-pass{border-top-color:var(--pass)}.card.v-fail{border-top-color:var(--fail)}.card.v-warn{border-top-color:#d4a72c}.card.v-skip{border-top-color:#8c959f}.card.v-error{border-top-color:var(--error)}.card.total{border-top-color:var(--fg)}
.card.v-fail .card-n{color:var(--fail)}.card.v-error .card-n{color:var(--error)}.card.v-warn .card-n{color:var(--warn)}
.by-severity{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin-top:10px;font-size:13px}
.by-severity .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.badge,.sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:11.5px;font-weight:650;line-height:18px;text-transform:lowercase;white-space:nowrap}
.badge.v-pass{background:var(--pass-bg);color:var(--pass)}.badge.v-fail{background:var(--fail);color:#fff}.badge.v-warn{background:var(--warn-bg);color:var(--warn)}.badge.v-skip{background:var(--skip-bg);color:var(--skip)}.badge.v-error{background:var(--error);color:#fff}
.sev{border:1px solid currentColor;background:#fff}
.sev-critical{color:#fff;background:#82071e;border-color:#82071e}.sev-high{color:#b3111f}.sev-medium{color:#9a3d00}.sev-low{color:#7d4e00}.sev-info{color:#59636e}
table{border-collapse:collapse;width:100%}
th{text-align:left;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
.profiles th,.profiles td{padding:6px 10px;border-bottom:1px solid var(--line);font-size:13px}
.profiles thead th{background:var(--head);font-size:12px;color:var(--muted);font-weight:600}
.profiles .barcell{width:38%}
.bar{display:flex;height:12px;border-radius:3px;overflow:hidden;background:var(--soft)}
.seg{display:block;min-width:2px}
.seg.v-pass{background:#2da44e}.seg.v-fail{background:#cf222e}.seg.v-warn{background:#d4a72c}.seg.v-skip{background:#afb8c1}.seg.v-error{background:#8250df}
.strong-fail{color:var(--fail);font-weight:700}.strong-warn{color:var(--warn);font-weight:700}.strong-error{color:var(--error);font-weight:700}
.filter-section h2{margin-bottom:8px}
.filters{border:1px solid var(--line);border-radius:6px;background:var(--soft);padding:8px 12px}
.filter-groups{display:flex;flex-wrap:wrap;gap:6px 22px}
fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:2px 10px;align-items:center}
legend{float:left;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-right:6px}
.filter-option{font-size:13px;white-space:nowrap;cursor:pointer}
.filter-bar{display:flex;justify-content:space-between;align-items:center;margin-top:6px;padding-top:6px;border-top:1px solid var(--line);font-size:13px}
.actions{display:flex;gap:6px}
button{font:inherit;font-size:12px;border:1px solid var(--line);background:#fff;border-radius:5px;padding:2px 10px;cursor:pointer;color:var(--fg)}
button:hover{background:var(--head)}
.matrix{font-size:13px}
.matrix thead th{position:sticky;top:0;z-index:2;background:var(--head);border-bottom:1px solid #afb8c1;padding:6px 8px;font-size:12px;color:var(--muted)}
.matrix td,.matrix tbody th{padding:3px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
.matrix tbody th{font-weight:400;white-space:nowrap}
.matrix .case-title{color:#3d444d}
.matrix .suite-row th{background:#fff;padding:14px 8px 4px;font-size:13px;font-weight:650;border-bottom:1px solid var(--line);text-transform:none}
.matrix tr.case:hover td,.matrix tr.case:hover th{background:#f3f6f9}
.matrix .cell{width:76px;text-align:center;font-weight:600;white-space:nowrap}
.matrix td.cell a{color:inherit;text-decoration:none;display:block}
.matrix td.cell a:hover{text-decoration:underline}
.matrix td.v-pass{background:var(--pass-bg);color:var(--pass)}
.matrix td.v-fail{background:var(--fail-bg);color:var(--fail);font-weight:750}
.matrix td.v-warn{background:var(--warn-bg);color:var(--warn)}
.matrix td.v-skip{background:var(--skip-bg);color:var(--skip);font-weight:400}
.matrix td.v-error{background:var(--error-bg);color:var(--error);font-weight:750}
.matrix td.v-none{color:#afb8c1}
.matrix td.cell{border-left:2px solid #fff}
.matrix td.cell.dim{opacity:.3}
.matrix td.cell.xfail{background:repeating-linear-gradient(135deg,var(--fail-bg) 0 6px,#fff 6px 9px);font-weight:600}
.xfail-tag{background:var(--warn-bg);color:var(--warn)}
.fixed{margin:4px 0 0;padding-left:18px}
.diagnosis{border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;margin:8px 0;padding:4px 12px;background:#fff}
.diagnosis h3{display:flex;gap:8px;align-items:baseline;margin:6px 0}.diagnosis .rank{color:var(--muted);font-weight:400}
.diagnosis .snippet>summary,.diagnosis .evidence>summary{cursor:pointer;margin:4px 0}.unexplained{color:var(--muted)}
.finding{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:#fff}
.finding>summary{display:flex;gap:8px;align-items:baseline;padding:7px 10px;cursor:pointer;list-style:none}
.finding>summary::-webkit-details-marker{display:none}
.finding>summary::before{content:"\\25B8";color:var(--muted);width:10px;flex:none}
.finding[open]>summary::before{content:"\\25BE"}
.finding[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}
.finding .case-id{font-weight:600}
.finding .profile{font-size:12px;color:var(--muted);border:1px solid var(--line);border-radius:10px;padding:0 7px}
.finding .title{color:#3d444d;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0;flex:1}
.finding[data-verdict=fail]{border-left:4px solid var(--fail)}.finding[data-verdict=error]{border-left:4px solid var(--error)}.finding[data-verdict=warn]{border-left:4px solid #d4a72c}.finding[data-verdict=skip]{border-left:4px solid #afb8c1}.finding[data-verdict=pass]{border-left:4px solid #2da44e}
.finding-body{padding:4px 14px 12px}
.finding-body p{margin:8px 0}
.refs .ref{margin-right:8px}
.kv{display:grid;grid-template-columns:140px minmax(0,1fr);gap:4px 12px;margin:0}
.kv dt{color:var(--muted);font-size:12px;padding-top:1px}
.kv dd{margin:0;overflow-wrap:anywhere}
.headers th,.headers td{padding:1px 10px 1px 0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px;vertical-align:top;overflow-wrap:anywhere}
.headers th{color:var(--muted);font-weight:400;white-space:nowrap;width:1%}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);border:1px solid #eaeef2;border-radius:4px;padding:6px 8px}
pre.curl{max-height:240px;overflow:auto;background:#1f2328;color:#e6edf3;border-color:#1f2328}
.replay-head{display:flex;align-items:baseline;gap:10px}
.fetches{margin:0;padding-left:18px}
.steps{margin:0;padding-left:22px}
.step{margin:0 0 10px;padding:6px 10px;border:1px solid #eaeef2;border-radius:4px}
.step.decisive{border-color:#8c959f;box-shadow:inset 3px 0 0 #57606a}
.step-label{font-weight:600;margin-bottom:4px}
.tag{font-size:11px;font-weight:600;background:var(--head);border-radius:4px;padding:0 6px;color:var(--muted)}
.group.skipped>summary{cursor:pointer}
.group.skipped>summary h3{margin:14px 0 6px}
.run-errors{border:1px solid var(--fail);background:var(--fail-bg);border-radius:6px;padding:4px 12px}
.run-errors h3{color:var(--fail)}
footer{margin-top:32px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
[hidden]{display:none!important}
@media print{
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 main{max-width:none;padding:0}
 .filter-section,button{display:none!important}
 .matrix thead th{position:static}
 .matrix thead{display:table-header-group}
 .matrix tr,.finding,.step{break-inside:avoid}
 pre.curl{max-height:none;background:var(--soft);color:var(--fg);border-color:var(--line)}
 .finding .title{white-space:normal}
 a{color:inherit}
 @page{margin:12mm}
}
`

/** Filters, copy, opening a finding from its matrix cell, and printing with findings open. Must not throw. */
export const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  var shown = document.getElementById('shown');
  function selected(name) {
    var set = {};
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (i) { if (i.checked) set[i.value] = true; });
    return set;
  }
  function apply() {
    var f = { suite: selected('suite'), severity: selected('severity'), verdict: selected('verdict') };
    function matches(el) { return !!(f.suite[el.dataset.suite] && f.severity[el.dataset.severity] && f.verdict[el.dataset.verdict]); }
    var rows = document.querySelectorAll('#matrix tr.case'), rowsShown = 0;
    rows.forEach(function (tr) {
      var any = false;
      tr.querySelectorAll('td.cell[data-verdict]').forEach(function (td) {
        var m = matches(td);
        td.classList.toggle('dim', !m);
        if (m) any = true;
      });
      tr.hidden = !any;
      if (any) rowsShown++;
    });
    document.querySelectorAll('#matrix tbody').forEach(function (body) {
      body.hidden = !body.querySelector('tr.case:not([hidden])');
    });
    var items = document.querySelectorAll('.findings details.finding'), itemsShown = 0;
    items.forEach(function (d) { d.hidden = !matches(d); if (!d.hidden) itemsShown++; });
    document.querySelectorAll('.findings .group').forEach(function (g) {
      g.hidden = !g.querySelector('details.finding:not([hidden])');
    });
    document.getElementById('no-findings').hidden = itemsShown > 0;
    shown.textContent = 'Showing ' + rowsShown + ' of ' + rows.length + ' cases \\u00b7 ' + itemsShown + ' of ' + items.length + ' findings';
  }
  form.addEventListener('change', apply);
  document.getElementById('reset').addEventListener('click', function () {
    form.querySelectorAll('input[type=checkbox]').forEach(function (i) { i.checked = true; });
    apply();
  });
  function setAll(open) {
    document.querySelectorAll('.findings details.finding:not([hidden])').forEach(function (d) { d.open = open; });
  }
  document.getElementById('expand').addEventListener('click', function () { setAll(true); });
  document.getElementById('collapse').addEventListener('click', function () { setAll(false); });

  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.classList.contains('finding')) return;
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === 'DETAILS') el.open = true;
      if (el.hidden) el.hidden = false;
    }
    target.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', reveal);
  // Clicking a cell whose finding is already the location hash fires no hashchange.
  document.getElementById('matrix').addEventListener('click', function (event) {
    if (event.target && event.target.closest && event.target.closest('a[href^="#"]')) setTimeout(reveal, 0);
  });

  function report(button, ok) {
    button.textContent = ok ? 'Copied' : 'Copy failed: select the text';
    setTimeout(function () { button.textContent = 'Copy'; }, 2000);
  }
  function fallbackCopy(text, button) {
    try {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand('copy');
      area.remove();
      report(button, ok);
    } catch (e) { report(button, false); }
  }
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('button.copy') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-source'));
    if (!source) return;
    var text = source.content ? source.content.textContent : source.textContent;
    try {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { report(button, true); }, function () { fallbackCopy(text, button); });
      } else fallbackCopy(text, button);
    } catch (e) { fallbackCopy(text, button); }
  });

  var closedForPrint = [];
  window.addEventListener('beforeprint', function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll('.findings details:not([open])'), function (d) { return !d.hidden; });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });

  apply();
  reveal();
})();
`
