/** The fleet page's style: plain CSS, readable on a clinic laptop and a phone. */
export const FLEET_CSS = `:root { font-family: system-ui, sans-serif; color: #1b1b1b; background: #f6f6f4; }
body { margin: 0; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between;
  padding: .75rem 1rem; background: #8b0000; color: #fff; }
header h1 { margin: 0; font-size: 1.3rem; }
.tools { display: flex; gap: .5rem; align-items: center; }
.tools .muted { color: #f3dede; }
button { font: inherit; padding: .35rem .8rem; border-radius: .3rem; border: 1px solid #fff; background: #fff; color: #8b0000; cursor: pointer; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .5rem; }
#problem { padding: .75rem; background: #fde2e1; border: 1px solid #b3261e; border-radius: .3rem; }
ul#alerts { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
.alert { background: #fff; border-left: .4rem solid #b26a00; padding: .5rem .75rem; border-radius: .2rem; }
.alert.critical { border-left-color: #b3261e; }
.alert .where { font-weight: 600; }
.alert .severity { text-transform: uppercase; font-size: .75rem; letter-spacing: .05em; margin-right: .5rem; }
.alert .action { margin: .25rem 0 0; }
.clinic { background: #fff; padding: .5rem 1rem 1rem; margin-top: 1rem; border-radius: .3rem; }
.clinic p { margin: .3rem 0; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.state-online { color: #1e6b2f; font-weight: 600; }
.state-offline, .state-unknown { color: #b3261e; font-weight: 600; }
.muted { color: #666; }
`;
