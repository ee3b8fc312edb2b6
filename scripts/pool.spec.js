// <https://github.com/dongyuanxin/ciy/blob/master/nodejs/process/pool.spec.js>
// The article's spec on the article's pool, plus one line (marked): the article's
// script never ends (its idle workers' channels keep it alive).
const { creatProcessPool } = require('./pool')

const doWork = creatProcessPool('./pool.worker.js')
doWork('A', function (error, msg) {
    if (error) {
        console.log(error.message)
        return
    }

    console.log('运算结果是:', msg)
})

doWork('B', function (error, msg) {
    if (error) {
        console.log(error.message)
        return
    }

    console.log('运算结果是:', msg)
    process.exit() // (added) B answers last (see pool.worker.js): the jobs are done
})
