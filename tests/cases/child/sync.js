// spawnSync / execSync / execFileSync: result shapes, input, encodings, thrown errors,
// timeout (ETIMEDOUT) and maxBuffer (ENOBUFS).
const cp = require('child_process');
const show = (v) => (Buffer.isBuffer(v) ? `Buffer ${JSON.stringify(v.toString())}` : JSON.stringify(v));
const t = (label, f) => {
  try {
    console.log(`${label}: returned ${show(f())}`);
  } catch (e) {
    console.log(`${label}: threw ${e.code === undefined ? '' : e.code + ' '}${JSON.stringify(e.message)} status=${e.status} signal=${e.signal} stdout=${show(e.stdout)} stderr=${show(e.stderr)}`);
  }
};

let r = cp.spawnSync('sh', ['-c', 'echo out; echo err >&2; exit 3']);
console.log(`spawnSync: pid>0 ${r.pid > 0} status=${r.status} signal=${r.signal} stdout=${show(r.stdout)} stderr=${show(r.stderr)} output=${r.output.length} ${r.output[0]}`);
r = cp.spawnSync('cat', { input: 'fed through stdin', encoding: 'utf8' });
console.log(`input: ${show(r.stdout)}`);
r = cp.spawnSync('sh', ['-c', 'kill -KILL $$']);
console.log(`signal: status=${r.status} signal=${r.signal}`);
r = cp.spawnSync('no-such-command-xyz', ['a']);
console.log(`missing: pid=${r.pid} status=${r.status} output=${r.output} error=${r.error.code} ${r.error.syscall} ${JSON.stringify(r.error.spawnargs)}`);
r = cp.spawnSync('sleep', ['5'], { timeout: 50 });
console.log(`timeout: status=${r.status} signal=${r.signal} error=${r.error.code} ${r.error.message}`);
r = cp.spawnSync('sh', ['-c', 'head -c 3000 /dev/zero; exec sleep 5'], { maxBuffer: 100 });
console.log(`maxBuffer: signal=${r.signal} error=${r.error.code} ${r.error.message}`);
r = cp.spawnSync('sh', ['-c', 'echo inherited'], { stdio: 'inherit' });
console.log(`inherit: stdout=${r.stdout} output=${JSON.stringify(r.output)}`);

t('execSync', () => cp.execSync('echo hi'));
t('execSync utf8', () => cp.execSync('echo "$0"', { encoding: 'utf8' }));
t('execSync failing', () => cp.execSync('echo out; echo err >&2; exit 5', { stdio: 'pipe' }));
t('execSync killed', () => cp.execSync('kill -TERM $$', { encoding: 'utf8' }));
t('execFileSync', () => cp.execFileSync('echo', ['$HOME', 'a b'], { encoding: 'utf8' }));
t('execFileSync failing', () => cp.execFileSync('sh', ['-c', 'exit 2'], { encoding: 'utf8' }));
t('execFileSync missing', () => cp.execFileSync('no-such-command-xyz', ['a']));
t('execFileSync timeout', () => cp.execFileSync('sleep', ['5'], { timeout: 50 }));
