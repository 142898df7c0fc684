/// The whole stylesheet, served from `/static/app.css`: no asset comes from outside the
/// installation (docs/architecture.md, "Non-negotiables").
public enum Stylesheet {
    public static let css = """
    :root{--ink:#1f2328;--muted:#59636e;--line:#d0d7de;--bg:#f6f8fa;--accent:#9e1b1b;--accent-ink:#fff;--ok:#1a7f37;--bad:#b42318;--focus:#0969da}
    *{box-sizing:border-box}
    body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg);line-height:1.6;font-size:16px}
    a{color:#0a4fa3}
    a:focus,button:focus,input:focus,select:focus,textarea:focus,main:focus{outline:3px solid var(--focus);outline-offset:2px}
    .skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:10}
    header.top{display:flex;justify-content:space-between;align-items:center;background:var(--accent);color:var(--accent-ink);padding:.6rem 1.2rem}
    header.top a{color:var(--accent-ink)}.brand{font-weight:700;font-size:1.1rem;text-decoration:none}
    .account{display:flex;gap:1rem;align-items:center}
    .shell{display:flex;min-height:calc(100vh - 3rem)}
    nav.side{width:14rem;flex:none;background:#fff;border-right:1px solid var(--line);padding:1rem}
    nav.side h2{font-size:.85rem;color:var(--muted);margin:1rem 0 .3rem}nav.side ul{list-style:none;margin:0;padding:0}
    nav.side a{display:block;padding:.25rem .5rem;border-radius:4px;text-decoration:none}
    nav.side a[aria-current=page]{background:var(--accent);color:var(--accent-ink)}
    main{flex:1;min-width:0;padding:1.2rem 2rem;max-width:72rem}
    .menu-toggle,.menu-button{display:none}
    .menu-toggle:focus+.menu-button{outline:3px solid var(--focus);outline-offset:2px}
    pre{white-space:pre-wrap;overflow-wrap:anywhere}td,dd{overflow-wrap:anywhere}.lines{white-space:pre-line}
    h1{font-size:1.5rem;margin-top:0}
    .table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
    caption{text-align:left;color:var(--muted);padding:.3rem 0}
    th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top}th{background:#eef1f4}
    td.empty{color:var(--muted);text-align:center}
    .field{margin:.8rem 0}.field label{display:block;font-weight:600}.req{color:var(--bad);margin-left:.2rem}
    input,select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #8c959f;border-radius:4px;min-width:18rem;max-width:100%}
    .has-error input,.has-error select{border-color:var(--bad);border-width:2px}
    .error{color:var(--bad);margin:.2rem 0}.hint{color:var(--muted);margin:.2rem 0;font-size:.9rem}
    .error-summary{border:2px solid var(--bad);background:#fff5f5;padding:.6rem 1rem;margin-bottom:1rem}.error-summary h2{font-size:1rem;margin:0}
    .notice{border-left:4px solid var(--ok);background:#effaf1;padding:.5rem 1rem;margin-bottom:1rem}
    button{font:inherit;padding:.35rem 1rem;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-ink);cursor:pointer}
    button.secondary{background:#fff;color:var(--accent)}button.link{background:none;border:none;color:inherit;text-decoration:underline;padding:0}
    form.inline{display:inline}
    .filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end;background:#fff;border:1px solid var(--line);padding:.2rem 1rem;margin-bottom:1rem}
    .filters input,.filters select{min-width:10rem}
    .pagination ul{list-style:none;display:flex;gap:1rem;padding:0}
    dl.details{display:grid;grid-template-columns:10rem 1fr;gap:.3rem 1rem;background:#fff;border:1px solid var(--line);padding:1rem}
    dl.details dt{color:var(--muted)}dl.details dd{margin:0}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem;margin:1rem 0}
    .card{background:#fff;border:1px solid var(--line);padding:1rem;border-radius:6px}.card .figure{font-size:1.8rem;font-weight:700}
    .actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}
    code,.mono{font-family:"Noto Sans Mono CJK SC",monospace;font-size:.9rem;word-break:break-all}
    .login{max-width:26rem;margin:3rem auto;background:#fff;border:1px solid var(--line);padding:1.5rem 2rem}
    .widget{background:#fff;border:1px solid var(--line);padding:1rem;border-radius:6px;margin:1rem 0}.widget h2{margin-top:0;font-size:1.1rem}
    .status-overdue,.status-soon,.status-paused,.status-ok{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.9rem;white-space:nowrap}
    .status-overdue{background:#fde2e2;color:#8a1c1c;font-weight:700}.status-soon{background:#fff1d6;color:#6b4400}
    .status-paused{background:#e8eaf0;color:#333}.status-ok{background:#e3f4e8;color:#1d5a2f}
    ol.explanation li{margin:.2rem 0}
    .table-scroll{overflow-x:auto}
    ul.services{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.8rem}
    ul.services li{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.8rem}ul.services li p{margin:.3rem 0}
    @media print{header.top,nav.side,.menu-toggle,.menu-button,form,.pagination,.skip{display:none}body{background:#fff}main{padding:0;max-width:none}
    .table-wrap{overflow:visible}a{color:inherit;text-decoration:none}}
    @media (max-width:48rem){
    header.top{flex-wrap:wrap;gap:.3rem .8rem;padding:.5rem .8rem}.account{flex-wrap:wrap;gap:.3rem .8rem;font-size:.9rem}
    .shell{display:block}
    .menu-toggle{display:block;position:absolute;opacity:0;width:1px;height:1px}
    .menu-button{display:inline-block;padding:.3rem 1rem;border:1px solid var(--accent);border-radius:4px;background:#fff;color:var(--accent);cursor:pointer}
    nav.side{width:auto;border-right:none;border-bottom:1px solid var(--line);padding:.5rem .8rem}
    .nav-links{display:none}.menu-toggle:checked~.nav-links{display:block}
    main{padding:.8rem;max-width:100%}
    input,select,textarea{min-width:0;width:100%}
    dl.details{grid-template-columns:1fr}dl.details dd{margin-bottom:.4rem}
    .filters input,.filters select{min-width:0}
    .login{margin:1rem;padding:1rem}
    }
    """
}
