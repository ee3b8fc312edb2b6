// <https://github.com/dongyuanxin/ciy/blob/master/nodejs/process/pool.worker.js>
// The article's worker, the busy loops shortened (see pool.worker.rhai), and B's
// answer held until A's was sent (see `sent`).
const fs = require('fs') // (added)
const os = require('os') // (added)
const map = {
    'A': handleJobA,
    'B': handleJobB
}

process.on('message', (msg) => {
    if (map[msg]) {
        const result = map[msg]()
        process.send(result, () => sent(msg)) // (changed: the callback is added)
    } else {
        process.send('Job not exist')
    }
})

// for (let i = 0; i < 1e10; i++){}, shortened: spin for `ms` milliseconds
function spin(ms) {
    const end = Date.now() + ms
    while (Date.now() < end) {}
}

function handleJobA() {
    spin(5)
    spin(5)
    return 'handle job A'
}

function handleJobB() {
    spin(250)
    spin(250)
    afterA() // (added)
    return 'handle job B'
}

// (added) The spec expects A's answer before B's. Spinning longer in B does not make
// that so: on a loaded machine A's worker may start half a second after B's (seen on
// 2 cores at load 30). So A's worker says when its answer is on the channel (a file
// named after the pool's pid, the workers' parent), and B answers only after that,
// or after 20 s (then the order is whatever it is, and the case fails if it is wrong).
const flag = `${os.tmpdir()}/procbox-pool-spec-${process.ppid}.a-sent`

function sent(msg) {
    if (msg === 'A') fs.writeFileSync(flag, '')
}

function afterA() {
    const end = Date.now() + 20000
    while (!fs.existsSync(flag) && Date.now() < end) {}
    fs.rmSync(flag, { force: true })
}
