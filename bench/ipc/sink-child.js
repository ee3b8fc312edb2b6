// Counts messages; answers "done" after the n-th (n is the first message).
let want = -1, got = 0;
process.on('message', (m) => {
  if (want < 0) { want = m; return; }
  if (++got === want) process.send('done');
});
