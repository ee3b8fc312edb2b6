// os: machine-dependent values checked by relation, fixed ones exactly.
const os = require("os");
const same = require("node:os");
const cpus = os.cpus();
console.log(`cpus > 0: ${cpus.length > 0}`);
// availableParallelism counts the CPUs this process may run on (its affinity:
// `taskset`, a container's cpuset), cpus() all of them.
const par = os.availableParallelism();
console.log(`1 <= availableParallelism <= cpus: ${par >= 1 && par <= cpus.length}`);
const c = cpus[0];
console.log(`model string: ${typeof c.model == "string"}, speed >= 0: ${c.speed >= 0}`);
console.log(`times: [${Object.keys(c.times).sort().map((k) => JSON.stringify(k)).join(", ")}]`);
console.log(`times ok: ${c.times.user >= 0 && c.times.idle > 0 && c.times.sys >= 0}`);
console.log(`totalmem >= freemem > 0: ${os.totalmem() >= os.freemem() && os.freemem() > 0}`);
const l = os.loadavg();
console.log(`loadavg: ${l.length} ${l[0] >= 0.0}`);
console.log(`uptime > 0: ${os.uptime() > 0.0}`);
console.log(`hostname: ${os.hostname().length > 0}`);
console.log(`platform: ${os.platform()} type: ${os.type()} arch ok: ${os.arch() == process.arch}`);
console.log(`release: ${os.release().length > 0}`);
console.log(`tmpdir: ${os.tmpdir() == (process.env.TMPDIR ?? "/tmp")}`);
console.log(`homedir: ${os.homedir() == process.env.HOME}`);
const u = os.userInfo();
console.log(`userInfo: [${Object.keys(u).sort().map((k) => JSON.stringify(k)).join(", ")}] ${u.username.length > 0 && u.uid >= 0 && u.homedir.length > 0}`);
console.log(`EOL: ${os.EOL == "\n"}`);
console.log(`signals: ${os.constants.signals.SIGTERM} ${os.constants.signals.SIGKILL} ${os.constants.signals.SIGHUP} ${Object.keys(os.constants.signals).length}`);
console.log(`errno: ${os.constants.errno.ENOENT} ${os.constants.errno.EACCES} ${os.constants.errno.EEXIST} ${Object.keys(os.constants.errno).length}`);
console.log(`node: prefix same: ${same.platform() == os.platform()}`);
// The seed's pool, verbatim apart from Rhai's `let` and `len()`.
const cpuNum = require("os").cpus().length;
console.log(`cpuNum ok: ${cpuNum == cpus.length && cpuNum >= par}`);
