// Sizes past JS's limits are RangeErrors, not an abort on allocation (issue 12 point 5).
try { Array.from({ length: 4611686018427387904 }); } catch (e) { console.log(`Array.from: ${e.name}: ${e.message}`); }
for (const total of [4611686018427387904, -1]) {
    try { Buffer.concat([Buffer.from('a')], total); } catch (e) { console.log(`Buffer.concat: ${e.name} ${e.code}`); }
}
console.log(Array.from({ length: 2, '1': '€' }).length, Buffer.concat([Buffer.from('a€')], 2).length);
