// process.stdin.isPaused(): false before any pause(), then follows pause()/resume(),
// registered with the other readables' flow methods (api/stream_api.rs).
console.log(process.stdin.isPaused());
process.stdin.pause(); console.log(process.stdin.isPaused());
process.stdin.resume(); console.log(process.stdin.isPaused());
process.stdin.pause(); console.log(process.stdin.isPaused());
