// Bad input throws a catchable error with a code (never a crash); spawn failures come
// as an 'error' event, then 'close' with the negative errno.
const cp = require('child_process');
const t = (label, f) => {
  try {
    f();
    console.log(`${label}: no error`);
  } catch (e) {
    console.log(`${label}: ${e.name} ${e.code} ${e.message}`);
  }
};
t('non-string command', () => cp.spawn(123));
t('empty command', () => cp.spawn(''));
t('args not an array', () => cp.spawn('ls', 'x'));
t('unknown stdio', () => cp.spawn('ls', [], { stdio: 'bogus' }));
t('negative timeout', () => cp.spawn('ls', [], { timeout: -1 }));
t('unknown killSignal', () => cp.spawn('ls', [], { killSignal: 'SIGFOO' }));
t('cwd not a string', () => cp.spawn('ls', [], { cwd: 5 }));
t('shell not a string', () => cp.spawn('ls', [], { shell: 5 }));
t('exec non-string', () => cp.exec(5, () => {}));
t('negative maxBuffer', () => cp.execSync('true', { maxBuffer: -5 }));
t('cwd is a file', () => cp.spawn('ls', [], { cwd: '/etc/passwd' }));
const k = cp.spawn('sleep', ['5'], { stdio: 'ignore' });
t('kill unknown name', () => k.kill('SIGFOO'));
t('kill unknown number', () => k.kill(999));
k.kill('SIGKILL');

function failure(label, file, opts, next) {
  const c = cp.spawn(file, ['arg'], opts);
  console.log(`${label}: pid ${c.pid === undefined ? 'undefined' : c.pid}`);
  c.on('spawn', () => console.log(`${label}: never spawn`));
  c.on('exit', () => console.log(`${label}: never exit`));
  c.on('error', (e) => console.log(`${label}: error ${e.code} ${e.errno} ${e.syscall} ${e.path} ${e.message}`));
  c.on('close', (code, sig) => {
    console.log(`${label}: close ${code} ${sig} exitCode=${c.exitCode}`);
    next();
  });
}
failure('not executable', '/etc/passwd', {}, () =>
  failure('no such directory', 'ls', { cwd: '/nonexistent-dir' }, () =>
    failure('no such file', './no-such-file', {}, () => console.log('done'))));
