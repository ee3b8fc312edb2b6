// Node twin of create-processes.rhai.
const { execFile, spawn, exec } = require('child_process');

function runExec() {
  exec('echo "6 x 7 = $((6 * 7))" | tr x \'*\'', (error, stdout, stderr) => {
    if (error) {
      console.log(`exec error: ${error.message}`);
      return;
    }
    console.log(`stdout: ${stdout}`);
    console.log(`stderr: ${stderr}`);
  });
}

function runSpawn() {
  const child = spawn('sh', ['-c', 'echo to stdout; echo to stderr >&2; exit 3']);
  child.stdout.on('data', (data) => console.log(`stdout: ${data}`));
  child.stderr.on('data', (data) => console.error(`stderr: ${data}`));
  child.on('close', (code) => {
    console.log(`child process exited with code ${code}`);
    runExec();
  });
}

execFile('uname', ['-s'], (error, stdout, stderr) => {
  if (error) {
    throw error;
  }
  console.log(stdout);
  runSpawn();
});
