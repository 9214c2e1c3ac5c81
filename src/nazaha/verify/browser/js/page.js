// The verifier page: read a record zip the visitor chooses, check it in Web Workers with
// progress, and show the verdict, the record's fingerprint and every check in plain words, in
// Arabic or English. Nothing leaves the visitor's computer: the page makes no request.

import { verifyRecord } from "./runner.js";
import { BallotContext, checkChunk } from "./ballots.js";
import { readZip, recordFiles } from "./zip.js";
import { sha256, toHex } from "./sha256.js";

/** Inside a worker: check the chunks the page sends. */
export function serveChunks(scope) {
  let cached = null;
  scope.onmessage = async (event) => {
    const { id, plain, entries } = event.data;
    try {
      if (cached === null || cached.key !== plain.extendedHash + plain.voteKey) {
        cached = { key: plain.extendedHash + plain.voteKey, ctx: new BallotContext(plain) };
      }
      scope.postMessage({ id, result: await checkChunk(cached.ctx, entries) });
    } catch (error) {
      scope.postMessage({ id, error: String(error?.message ?? error) });
    }
  };
}

/** An executor for verifyRecord that spreads chunks over ``count`` workers made from ``source``. */
export function workerPool(source, count) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const workers = Array.from({ length: count }, () => new Worker(url));
  const idle = [...workers];
  const waiting = [];
  const pending = new Map();
  let next = 0;
  for (const worker of workers) {
    worker.onmessage = (event) => {
      const { id, result, error } = event.data;
      const { resolve, reject } = pending.get(id);
      pending.delete(id);
      if (error) reject(new Error(error));
      else resolve(result);
      const job = waiting.shift();
      if (job) job(worker);
      else idle.push(worker);
    };
  }
  const executor = (plain, entries) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      const send = (worker) => worker.postMessage({ id, plain, entries });
      const worker = idle.pop();
      if (worker) send(worker);
      else waiting.push(send);
    });
  executor.close = () => {
    for (const worker of workers) worker.terminate();
    URL.revokeObjectURL(url);
  };
  return executor;
}

function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

function number(value, lang) {
  return new Intl.NumberFormat(lang === "ar" ? "ar-EG" : "en-US").format(value);
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

/** Show ``report`` (verifyRecord's) in ``target`` in language ``lang``. */
export function renderReport(target, report, fingerprint, strings, lang) {
  const words = strings.checks[lang];
  const ui = strings.ui[lang];
  target.replaceChildren();
  const verdictKey = report.verdict === "valid" ? "valid" : report.verdict === "INVALID" ? "invalid" : "incomplete";
  const verdict = element("p", { class: `verdict ${verdictKey}`, id: "verdict", "data-verdict": report.verdict, text: ui[`verdict_${verdictKey}`] });
  target.append(verdict);
  const grouped = fingerprint.match(/.{1,4}/g).join(" ");
  target.append(
    element("p", {}, element("strong", { text: words.words.fingerprint }), element("br"),
      element("bdi", { class: "fingerprint", dir: "ltr", id: "fingerprint", text: grouped })),
    element("p", { class: "muted", text: words.words.fingerprint_help }),
  );
  const table = element("table", { id: "checks" });
  const head = element("tr", {},
    element("th", { scope: "col", text: words.words.check }),
    element("th", { scope: "col", text: words.words.what }),
    element("th", { scope: "col", text: words.words.items }),
    element("th", { scope: "col", text: words.words.verdict }));
  table.append(element("thead", {}, head));
  const body = element("tbody");
  for (const check of report.checks) {
    const row = element("tr", { class: check.status.replace(" ", "-"), "data-check": check.number, "data-status": check.status });
    const what = element("td", {}, document.createTextNode(words.lines[check.number] ?? check.title));
    if (check.status === "failed") {
      what.append(element("p", { class: "advice", text: `${words.words.advice}: ${words.advice[check.number] ?? words.ask}` }));
      const list = element("ul", { class: "problems" });
      for (const failure of check.failures.slice(0, 20)) {
        list.append(element("li", {}, element("bdi", { dir: "ltr", text: `${failure.label} · ${failure.subject}: ${failure.message}` })));
      }
      if (check.failures.length > 20) list.append(element("li", { text: `… (+${number(check.failures.length - 20, lang)})` }));
      what.append(list);
    } else if (check.status === "not checked") {
      what.append(element("p", { class: "advice", text: ui.not_checked_help }));
    }
    const status = check.status === "not checked" ? words.words.not_checked : words.verdicts[check.status];
    row.append(element("td", { class: "n" }, element("bdi", { text: check.number })), what,
      element("td", { text: number(check.items, lang) }), element("td", {}, element("strong", { text: status })));
    body.append(row);
  }
  table.append(body);
  target.append(table);
}

/** Wire the page: file input, progress, language switch. */
export function startPage(document, strings, source) {
  const root = document.documentElement;
  let lang = root.lang === "ar" ? "ar" : "en";
  let last = null;
  const input = document.getElementById("record-file");
  const progress = document.getElementById("progress");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  const texts = () => strings.ui[lang];

  function applyLanguage() {
    root.lang = lang;
    root.dir = lang === "ar" ? "rtl" : "ltr";
    for (const node of document.querySelectorAll("[data-ui]")) node.textContent = texts()[node.dataset.ui];
    if (last) renderReport(result, last.report, last.fingerprint, strings, lang);
  }

  const switcher = document.getElementById("switch-language");
  if (switcher) {
    switcher.addEventListener("click", (event) => {
      if (switcher.dataset.offline !== "true") return; // served pages link to the other language
      event.preventDefault();
      lang = lang === "ar" ? "en" : "ar";
      applyLanguage();
    });
  }

  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    result.replaceChildren();
    last = null;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = format(texts().reading, { name: file.name });
    const started = performance.now();
    const count = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16));
    const executor = workerPool(source, count);
    try {
      const files = recordFiles(await readZip(await file.arrayBuffer()));
      const fingerprint = toHex(sha256(files.get("record.json")));
      const report = await verifyRecord(files, {
        executor,
        parallelism: count,
        onProgress: ({ phase, done, total }) => {
          if (phase === "ballots") {
            progress.max = Math.max(total, 1);
            progress.value = done;
            status.textContent = format(texts().progress_ballots, { done: number(done, lang), total: number(total, lang) });
          } else {
            status.textContent = texts()[`progress_${phase}`];
          }
        },
      });
      progress.value = progress.max;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      status.textContent = format(texts().finished, { seconds: number(Number(seconds), lang) });
      status.dataset.seconds = seconds;
      last = { report, fingerprint };
      renderReport(result, report, fingerprint, strings, lang);
    } catch (error) {
      status.textContent = format(texts().unreadable, { problem: String(error?.message ?? error) });
      result.append(element("p", { class: "verdict invalid", id: "verdict", "data-verdict": "unreadable", text: texts().verdict_unreadable }));
    } finally {
      executor.close();
    }
  });
  applyLanguage();
}
