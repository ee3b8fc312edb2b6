// Seed "如何调度多进程" (pool.worker.js), the busy loops shortened (see pool.worker.rhai).
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
