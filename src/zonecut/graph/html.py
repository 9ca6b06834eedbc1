"""`zonecut report`: one self-contained HTML file (a string; the CLI writes it).

The picture (inline SVG), the zones, the findings with their fixes (sortable, filterable
by severity and account with a small inline script), and the pending plan. Nothing is
loaded from anywhere: a Content-Security-Policy forbids every fetch. All user text is
HTML-escaped.
"""

from __future__ import annotations

from html import escape

from zonecut.graph.model import Graph, GraphFinding, NodeKind, Status
from zonecut.graph.svg import FILL, NOT_XML, STROKE, render_svg

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:")

STYLE = """
body{font-family:DejaVu Sans,Verdana,Arial,sans-serif;margin:24px;color:#212121}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.picture{overflow:auto;border:1px solid #e0e0e0;max-height:80vh}
table{border-collapse:collapse;font-size:13px;margin-top:8px}
th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5;cursor:pointer;user-select:none}
td.fix{max-width:420px}td.msg{max-width:420px}
.sev{font-weight:bold;border-radius:3px;padding:1px 6px}
.filters label{margin-right:16px;font-size:13px}
pre.plan{background:#fafafa;border:1px solid #e0e0e0;padding:8px;font-size:12px}
"""

SCRIPT = """
(function(){
  var table=document.getElementById('findings');
  if(!table){return;}
  var body=table.tBodies[0];
  var sev=document.getElementById('filter-severity');
  var acc=document.getElementById('filter-account');
  var shown=document.getElementById('shown');
  function apply(){
    var n=0;
    Array.prototype.forEach.call(body.rows,function(row){
      var ok=(!sev.value||row.dataset.severity===sev.value)&&
             (!acc.value||row.dataset.account===acc.value);
      row.hidden=!ok; if(ok){n++;}
    });
    shown.textContent=String(n);
  }
  sev.addEventListener('change',apply);acc.addEventListener('change',apply);

  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(cell,index){
    cell.addEventListener('click',function(){
      var up=cell.dataset.dir!=='asc';cell.dataset.dir=up?'asc':'desc';
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[index].dataset.key||a.cells[index].textContent;
        var y=b.cells[index].dataset.key||b.cells[index].textContent;
        return (x<y?-1:x>y?1:0)*(up?1:-1);
      });
      rows.forEach(function(row){body.appendChild(row);});
    });
  });
  // a link may preselect filters and order: #severity=critical&account=ID&sort=zone
  location.hash.replace(/^#/,'').split('&').forEach(function(pair){
    var kv=pair.split('='),value=decodeURIComponent(kv[1]||'');
    var select=kv[0]==='severity'?sev:kv[0]==='account'?acc:null;
    if(select&&Array.prototype.some.call(select.options,function(o){return o.value===value;})){
      select.value=value;
    }
    if(kv[0]==='sort'){
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(cell){
        if(cell.textContent===value){cell.click();}
      });
    }
  });
  apply();
  table.dataset.ready='1';
})();
"""

SEVERITY_ORDER = ("critical", "error", "warning", "info")


def _e(text: object) -> str:
    return escape(NOT_XML.sub("\ufffd", str(text)), quote=True)


def _badge(severity: str) -> str:
    status = Status.of(severity)
    return (f'<span class="sev" style="background:{FILL[status]};color:{STROKE[status]}">'
            f"{_e(severity)}</span>")


def _finding_row(graph: Graph, item: GraphFinding) -> str:
    rank = SEVERITY_ORDER.index(item.severity) if item.severity in SEVERITY_ORDER else 9
    account = item.account_id or ""
    return (f'<tr data-severity="{_e(item.severity)}" data-account="{_e(account)}">'
            f'<td data-key="{rank}">{_badge(item.severity)}</td><td>{_e(item.code)}</td>'
            f"<td>{_e(item.zone)}</td><td>{_e(graph.account_label(account) or '')}</td>"
            f"<td>{_e(item.zone_id or '')}</td><td>{_e(item.server or '')}</td>"
            f'<td class="msg">{_e(item.message)}</td><td class="fix">{_e(item.fix)}</td></tr>')


def _findings(graph: Graph) -> str:
    if not graph.findings:
        return "<h2>Findings</h2><p>No finding.</p>"
    severities = [s for s in SEVERITY_ORDER if any(f.severity == s for f in graph.findings)]
    severities += sorted({f.severity for f in graph.findings} - set(severities))
    accounts = sorted({f.account_id for f in graph.findings if f.account_id})
    options_s = "".join(f'<option value="{_e(s)}">{_e(s)}</option>' for s in severities)
    options_a = "".join(f'<option value="{_e(a)}">{_e(graph.account_label(a))}</option>'
                        for a in accounts)
    rows = "".join(_finding_row(graph, f) for f in graph.findings)
    heads = "".join(f"<th>{h}</th>" for h in ("severity", "code", "zone", "account",
                                               "zone id", "server", "message", "fix"))
    return (f"<h2>Findings (<span id=\"shown\">{len(graph.findings)}</span> of "
            f"{len(graph.findings)} shown)</h2>"
            '<div class="filters"><label>severity <select id="filter-severity">'
            f'<option value="">all</option>{options_s}</select></label>'
            '<label>account <select id="filter-account"><option value="">all</option>'
            f"{options_a}</select></label></div>"
            f'<table id="findings"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody>'
            "</table><p>Click a column heading to sort.</p>")


def _zones(graph: Graph) -> str:
    rows = []
    for node in graph.nodes:
        kind = "" if node.kind is NodeKind.ZONE else f" ({node.kind.value})"
        rows.append(f'<tr data-zone="{_e(node.name)}"><td>{_e(node.name)}{_e(kind)}</td>'
                    f"<td>{_badge(node.status.value)}</td>"
                    f"<td>{_e(graph.account_label(node.account_id))}</td>"
                    f"<td>{_e(node.zone_id or '')}</td><td>{_e(', '.join(node.servers))}</td>"
                    f"<td>{_e(', '.join(node.findings))}</td></tr>")
    return ("<h2>Zones</h2><table><thead><tr><th>zone</th><th>status</th><th>account</th>"
            "<th>zone id</th><th>servers</th><th>findings</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _plan(graph: Graph, plan_known: bool) -> str:
    if not plan_known:
        return ("<h2>Pending changes</h2><p>Not known: this report was drawn from saved "
                "observations or an audit, not from a plan.</p>")
    if not graph.plan:
        return "<h2>Pending changes</h2><p>None: Route 53 matches the config.</p>"
    return ("<h2>Pending changes</h2><p><code>zonecut apply</code> would:</p>"
            f'<pre class="plan">{_e(chr(10).join(graph.plan))}</pre>')


def render_html(graph: Graph, *, plan_known: bool = True, generated: str = "") -> str:
    counts = graph.counts()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no zone"
    notes = "".join(f"<p>{_e(n)}</p>" for n in graph.notes)
    stamp = f" · {_e(generated)}" if generated else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{_e(graph.title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{_e(graph.title)}</h1>"
        f'<p id="summary" data-status="{graph.status.value}">Overall: '
        f"{_badge(graph.status.value)} · zones and delegations by status: {_e(summary)}"
        f"{stamp}</p>{notes}"
        f'<div class="picture">{render_svg(graph)}</div>'
        f"{_findings(graph)}{_plan(graph, plan_known)}{_zones(graph)}"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
