// Node twin of middleware-child.rhai, on the real `redis` npm package (node-redis).
const redis = require('redis');
const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const pub = redis.createClient({ url: url });
const sub = pub.duplicate();

Promise.all([pub.connect(), sub.connect()]).then(() => sub.subscribe('child', (msg) => {
  console.log('(来自父进程消息)' + msg);
  pub.publish('parent', '我是子进程').then(() => {
    sub.quit();
    pub.quit();
  });
})).then(() => pub.publish('parent', 'ready'));
