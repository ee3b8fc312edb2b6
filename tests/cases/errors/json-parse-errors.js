// JSON.parse throws a SyntaxError for every bad input, multi-byte characters included
// (issue 12.1: a \u escape cut by '€' used to abort procbox), with V8's messages.
let inputs = ["[\"\\u12€4\"]", "[", "[1", "{", "[\"€\"  ", "€", "[1,]", "{x}", "1 2", "\"abc", "\"\\x\"", "", "[\"€\"", "{\"€\": tru}",
    "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,x]", "日本"];
for (const text of inputs) {
    try {
        JSON.parse(text);
        console.log("parsed");
    } catch (e) {
        console.log(`${e.name}: ${e.message}`);
    }
}
