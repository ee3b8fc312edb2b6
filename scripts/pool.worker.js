// <https://github.com/dongyuanxin/ciy/blob/master/nodejs/process/pool.worker.js>
// The article's worker, the busy loops shortened (see pool.worker.rhai).
const map = {
    'A': handleJobA,
    'B': handleJobB
}

process.on('message', (msg) => {
    if (map[msg]) {
        const result = map[msg]()
        process.send(result)
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
    return 'handle job B'
}
