// Errors that a try/catch sees: thrown Errors keep their fields; runtime errors are maps with message.
try { throw new Error('thrown'); } catch (e) { console.log(`caught: ${e.name}: ${e.message}`); }
try { const err = new TypeError('typed'); err.code = 'E_CODE'; throw err; } catch (e) { console.log(`caught: ${e.name} ${e.code} ${e.message}`); }
try { JSON.parse('{bad'); } catch (e) { console.log(`JSON.parse: ${e.name}`); }
try { process.chdir('/no/such/dir'); } catch (e) { console.log(`chdir: ${e.code} ${e.syscall}`); }
console.log(JSON.stringify({ a: { c: true }, b: [1, 2.5, null, 'x'] }));
console.log(JSON.stringify({ a: [1, { b: 2 }] }, null, 2));
console.log(JSON.parse('{"n": 1.5, "list": [1, "two", null]}').list.length);
