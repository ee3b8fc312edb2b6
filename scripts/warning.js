// Seed: the 'warning' event (the article mentions it without code): a listener sees
// each warning; Node also prints it on stderr.
process.on("warning", (warning) => {
    console.log(`${warning.name}: ${warning.message}`);
});
process.emitWarning("something looks wrong");
process.emitWarning("this API will go away", "DeprecationWarning", "DEP0001");
