// Node twin of resume-drain.rhai.
process.on("uncaughtException", (e) => console.log("caught " + e.message));
process.on("unhandledRejection", (r) => console.log("unhandled " + r.message));
process.nextTick(() => { throw Error("main"); });
process.nextTick(() => {
  console.log("tick after main");
  setTimeout(() => {
    console.log("timeout");
    setImmediate(() => console.log("immediate queued before the cut"));
    Promise.reject(Error("late"));
    process.nextTick(() => { throw Error("in timer"); });
  }, 1);
});
