// Parses an AsyncAPI document with the reference parser; prints its errors and what it read.
const fs = require("fs");
const { Parser } = require("@asyncapi/parser");

(async () => {
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(fs.readFileSync(process.argv[2], "utf8"));
  const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join(".")}: ${d.message}`);
  const operations = document
    ? document.operations().all().map((op) => ({
        id: op.id(),
        action: op.action(),
        address: op.channels().all().map((c) => c.address()),
        messages: op.messages().all().map((m) => m.name()),
        reply: op.reply() ? op.reply().messages().all().map((m) => m.name()) : null,
      }))
    : [];
  const parameters = document
    ? Object.fromEntries(document.channels().all().map((c) => [c.id(), c.parameters().all().map((p) => p.id())]))
    : {};
  console.log(JSON.stringify({ errors, operations, parameters }));
})();
