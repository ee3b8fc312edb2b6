// Node twin of handles-in-callbacks.rhai.
const EventEmitter = require("events").EventEmitter;

let bus = new EventEmitter();
bus.on("a", (x) => {
  console.log("a", x);
  bus.emit("b", x + 1);
});
bus.on("b", (x) => {
  console.log("b", x);
  if (x < 3) {
    bus.emit("a", x + 1);
  }
});
bus.emit("a", 0);

let depth = 0;
let down = () => {
  depth += 1;
  if (depth < 4) {
    down();
  }
};
down();
console.log("depth", depth);

let spawn_part = () => {
  let child = require("child_process").spawn("echo", ["hi"]);
  child.stdout.on("data", (d) => console.log("child says", d.toString().length > 0, child.pid > 0));
  child.on("close", (code) => console.log("child closed", code, child.exitCode));
};

let job = { count: 0, emitter: new EventEmitter() };
job.run = () => {
  job.count += 1;
  console.log("run", job.count);
  if (job.count < 3) {
    setImmediate(() => job.run());
  } else {
    job.emitter.emit("done", job.count);
  }
};
job.emitter.on("done", (n) => {
  console.log("done after", n, "runs");
  job.emitter.removeAllListeners("done");
  console.log("listeners left", job.emitter.listenerCount("done"));
  spawn_part();
});
job.run();

