// Node twin of fn-globals.rhai.
function report() {
  console.log("count is", count, "label is", label);
}

function bump(by) {
  count += by;
  return count;
}

function shadow() {
  let label = "local";
  console.log("inside:", label);
}

function later() {
  setTimeout(() => {
    bump(100);
    report();
    run_child();
  }, 1);
}

function run_child() {
  let child = cp.spawn("echo", [label]);
  child.stdout.on("data", (d) => console.log("child said", d.toString().length, "bytes"));
  child.on("close", (code) => {
    console.log("child close", code, "count", bump(1));
  });
}

let cp = require("child_process");
let count = 1;
let label = "top";
report();
console.log("bump returns", bump(2));
report();
shadow();
console.log("outside:", label);
label = "changed";
report();
later();
