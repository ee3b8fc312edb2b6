// Case: signals (the reference case minus its child-process line, which the
// child-process suite covers). Listeners run asynchronously with (name, number);
// removing the last listener restores the default action, which kills the process
// without an 'exit' event. Expected exit status 143 (128 + SIGTERM).
try { process.on('SIGKILL', () => {}); } catch (e) { console.log(`listen SIGKILL: ${e.code} ${e.syscall}`); }
try { process.on('SIGSTOP', () => {}); } catch (e) { console.log(`listen SIGSTOP: ${e.code} ${e.message}`); }
try { process.kill(process.pid, 'SIGFOO'); } catch (e) { console.log(`kill with SIGFOO: ${e.code} ${e.message}`); }
try { process.kill(process.pid, 'sigterm'); } catch (e) { console.log(`kill with sigterm: ${e.code}`); }
try { process.kill(process.pid, 99); } catch (e) { console.log(`kill with 99: ${e.code} ${e.syscall}`); }
try { process.kill('abc', 0); } catch (e) { console.log(`kill('abc'): ${e.code}`); }
try { process.kill(2 ** 22 + 12345, 0); } catch (e) { console.log(`kill(nonexistent, 0): ${e.code} ${e.syscall} ${e.errno} ${e.message}`); }
console.log(`kill(self, 0) -> ${process.kill(process.pid, 0)}`);

const keepAlive = setInterval(() => {}, 1000);
let n = 0;
function onTerm(name, num) {
  n++;
  console.log(`listener call ${n}: ${name} ${num}`);
  if (n === 1) { process.kill(process.pid, 'SIGTERM'); return; }
  process.removeListener('SIGTERM', onTerm);
  console.log('listener removed, sending SIGTERM again');
  process.kill(process.pid, 'SIGTERM');
}
process.on('SIGTERM', onTerm);
process.on('exit', () => console.log('never: exit event'));
console.log(`kill(self, SIGTERM) -> ${process.kill(process.pid, 'SIGTERM')}`);
console.log('main continues: the listener has not run yet');
