// Runs the browser verifier (verify/browser/js) under Node on every record named in the JSON
// list given as the first argument (folders or zips) and prints one JSON line per record:
// {path, verdict, failed: [labels...], statuses: {number: status}, error}. Driven by
// tests/e2e/test_browser_verifier_corpus.py, which compares the lines with `nazaha verify`.
// Not a *.test.mjs file: it needs the corpus the Python test builds.

import fs from "node:fs";
import path from "node:path";
import { rememberPowers } from "../../src/nazaha/verify/browser/js/arith.js";
import { verifyRecord } from "../../src/nazaha/verify/browser/js/runner.js";
import { readZip, recordFiles } from "../../src/nazaha/verify/browser/js/zip.js";

function walk(root, relative = "", out = new Map()) {
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(root, name, out);
    else out.set(name, new Uint8Array(fs.readFileSync(path.join(root, name))));
  }
  return out;
}

// The records differ in a field or two: remembered exponentiations make the corpus quick.
rememberPowers(process.env.NAZAHA_VERIFIER_MEMO !== "0");
const records = JSON.parse(fs.readFileSync(process.argv[2], "utf-8"));
for (const record of records) {
  const started = performance.now();
  const line = { path: record, verdict: "", failed: [], statuses: {}, error: "" };
  try {
    const files = fs.statSync(record).isDirectory() ? walk(record) : recordFiles(await readZip(fs.readFileSync(record)));
    const report = await verifyRecord(files);
    line.verdict = report.verdict;
    for (const check of report.checks) {
      line.statuses[check.number] = check.status;
      for (const failure of check.failures) line.failed.push(failure.label);
    }
  } catch (error) {
    line.verdict = "unreadable";
    line.error = String(error?.message ?? error);
  }
  line.seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify(line) + "\n");
}
