/** The report's only style sheet, inline: a FAILED account must stand out at a glance. */
export const REPORT_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2433; background: #fff; }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin-top: 28px; border-bottom: 2px solid #d6dbe4; padding-bottom: 4px; }
.subtitle, .note { color: #5b6475; }
.summary { display: flex; gap: 12px; margin: 16px 0; }
.summary div { border: 1px solid #d6dbe4; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.summary div.alert { background: #fde2e1; border-color: #d93025; }
.summary dt { font-size: 12px; color: #5b6475; }
.summary dd { margin: 0; font-size: 22px; font-weight: 600; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 22px; }
ul.tree { padding-left: 0; }
ul.tree li { position: relative; padding: 3px 0 3px 14px; border-left: 1px solid #b8c0cc; }
ul.tree li::before { content: ''; position: absolute; left: 0; top: 13px; width: 10px; border-top: 1px solid #b8c0cc; }
ul.tree .node { font-weight: 600; }
.files { color: #5b6475; font-size: 12px; margin-left: 6px; }
.files.none, .none { color: #8a93a3; font-style: italic; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 4px; background: #e3e7ee; color: #3b4456; }
.status-active .badge { background: #d7f1df; color: #17663a; }
.status-failed .badge { background: #d93025; color: #fff; }
.status-enrolling .badge, .status-deregistering .badge { background: #fff1c2; color: #7a5a00; }
li.account.status-failed, tr.status-failed { background: #fde2e1; }
li.account.status-failed { border-left: 4px solid #d93025; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e3e7ee; }
th { background: #f3f5f8; }
ol.chain { margin: 0; padding-left: 18px; }
.level { font-weight: 600; }
td.error, p.error { color: #a5221b; }
li.missing { color: #a5221b; font-weight: 600; }
li.exempt { color: #3b4456; }
li.failure { margin-bottom: 4px; }
code { font-size: 12px; }
`;
