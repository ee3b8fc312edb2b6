// process.chdir and process.cwd fail as Node's uvException: `CODE: message, syscall 'path' -> 'dest'`.
const fs = require('fs');
const path = require('path');
const os = require('os');
process.chdir('/');
try { process.chdir('no/such/dir'); } catch (e) {
  console.log(e.message);
  console.log(`${e.code} ${e.errno} ${e.syscall} ${e.path} ${e.dest}`);
}
const d = fs.mkdtempSync(path.join(os.tmpdir(), 'procbox-cwd-'));
process.chdir(d);
fs.rmdirSync(d);
try { process.cwd(); } catch (e) {
  console.log(e.message);
  console.log(`${e.code} ${e.errno} ${e.syscall}`);
}
process.chdir('/');
console.log(process.cwd());
