// Node twin of middleware-parent.rhai, on the real `redis` npm package (node-redis).
const { fork } = require('child_process');
const redis = require('redis');
const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const pub = redis.createClient({ url: url });
const sub = pub.duplicate();

Promise.all([pub.connect(), sub.connect()]).then(() => sub.subscribe('parent', (message) => {
  if (message == 'ready') {
    pub.publish('child', '我是父进程');
  } else {
    console.log('(来自子进程消息)' + message);
    sub.quit();
    pub.quit();
  }
})).then(() => {
  const options = process.env.CHILD_EXEC ? { execPath: process.env.CHILD_EXEC } : {};
  fork(process.env.CHILD || './middleware-child.js', [], options);
});
