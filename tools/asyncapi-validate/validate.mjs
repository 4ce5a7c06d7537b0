// Usage: node validate.mjs <asyncapi.json>
// Prints every diagnostic of the official AsyncAPI parser (one line each) and exits 1 when any is an error.
import { readFileSync } from 'node:fs';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const text = readFileSync(process.argv[2], 'utf8');
const { document, diagnostics } = await new Parser().parse(text);
const names = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning', [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };
for (const d of diagnostics) {
  console.log(`${names[d.severity]} ${d.code} at ${d.path.join('.')}: ${d.message}`);
}
const errors = diagnostics.filter(d => d.severity === DiagnosticSeverity.Error);
console.log(document && errors.length === 0 ? `valid AsyncAPI ${document.version()}` : `invalid: ${errors.length} error(s)`);
process.exit(document && errors.length === 0 ? 0 : 1);
