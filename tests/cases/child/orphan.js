// A child that is not detached is not killed when its parent exits: it runs on,
// re-parented. The child waits for EOF on its stdin (our end closes when we exit),
// then waits (up to 10 s) until the kernel re-parented it, and reports; its output
// still reaches the test through the inherited stdout.
const { spawn } = require('child_process');
const script = `read x; n=0; while [ "$(cut -d' ' -f4 /proc/$$/stat)" = "$1" ] && [ $n -lt 1000 ]; do n=$((n+1)); sleep 0.01; done; [ $n -lt 1000 ] && echo "orphan: still running after the parent exited, re-parented"`;
spawn('sh', ['-c', script, 'sh', String(process.pid)], { stdio: ['pipe', 'inherit', 'inherit'] });
console.log('parent exits');
process.exit(0);
