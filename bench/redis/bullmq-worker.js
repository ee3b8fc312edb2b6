// A BullMQ worker process (concurrency 1) for the pool benchmark: doubles job.data.n.
// Usage: node bullmq-worker.js URL
const { Worker } = require("bullmq");
const connection = { path: process.argv[2].replace("unix://", "") };
const w = new Worker("bench", async (job) => job.data.n * 2, { connection, concurrency: 1 });
process.on("SIGTERM", () => w.close().then(() => process.exit(0)));
