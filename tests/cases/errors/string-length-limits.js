// A string longer than V8's limit is a RangeError, not an abort (issue 12 point 5).
for (const n of [4611686018427387904, 268435456]) {
    try { 'ab'.repeat(n); console.log('built'); } catch (e) { console.log(`repeat: ${e.name}: ${e.message}`); }
}
try { 'ab'.padStart(4611686018427387904, 'x'); } catch (e) { console.log(`padStart: ${e.name}: ${e.message}`); }
try { 'ab'.padEnd(1073741824); } catch (e) { console.log(`padEnd: ${e.name}: ${e.message}`); }
console.log(''.repeat(1099511627776).length, 'a'.padStart(1073741824, '').length, '€'.repeat(3), '€'.padEnd(3, 'é'));
