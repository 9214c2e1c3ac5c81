// The voting booth: mark, review, encrypt on this device, then cast or challenge.
// The plaintext never leaves the browser: only the encrypted ballot (encrypt.js, in the booth's
// worker) is sent.

import { bytesToHex, randomBytes, utcNow } from "./electionguard.js";
import { CredentialError, normalizeCredential } from "./credentials.js";

const data = JSON.parse(document.getElementById("booth-data").textContent);
const booth = document.getElementById("booth");
const election = data.election;
let lang = booth.dataset.lang;
const labels = Object.fromEntries(data.context.contests.map((c) => [c.index, c.label]));
const $ = (id) => document.getElementById(id);

let current = null; // {doc, nonce, receipt, values, style}
const eligibility = data.eligibility || { needs_credential: false };
let signer = null; // a promise of {key, publicKey} for the credential typed, derived in the worker
let signerFor = "";

// -- the worker: key derivation, encryption and opening off the main thread -----------------------

const worker = new Worker("/static/js/booth-worker.js", { type: "module" });
const pending = new Map();
let requests = 0;
worker.onmessage = (event) => {
  const { id, progress, result, error } = event.data;
  const waiting = pending.get(id);
  if (!waiting) return;
  if (progress) {
    if (waiting.onProgress) waiting.onProgress(progress);
    return;
  }
  pending.delete(id);
  if (error) waiting.reject(new Error(error));
  else waiting.resolve(result);
};

function ask(message, onProgress) {
  requests += 1;
  const id = requests;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ ...message, id });
  });
}

// Numbers as the server writes them (format_number in pages/i18n.py): grouped by thousands with
// a fixed number of decimals, in Arabic with Arabic-Indic digits, ٬ and ٫. Written out rather than
// with Intl.NumberFormat, whose first use loads the locale's data: that alone held the main thread
// for over 100 ms at a slow phone's speed (6x CPU throttling).
const ARABIC_DIGITS = Object.fromEntries([..."0123456789,."].map((c, i) => [c, "٠١٢٣٤٥٦٧٨٩٬٫"[i]]));
function fmt(number, digits = 0) {
  const [whole, fraction] = Math.abs(number).toFixed(digits).split(".");
  const text = (number < 0 ? "-" : "") + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction ? `.${fraction}` : "");
  return lang === "ar" ? text.replace(/[0-9,.]/g, (c) => ARABIC_DIGITS[c]) : text;
}

function t(key, params = {}) {
  let text = data.catalogs[lang][key] || key;
  for (const [name, value] of Object.entries(params)) text = text.replace(`{${name}}`, value);
  return text;
}

function showError(message) {
  const box = $("booth-error");
  box.textContent = `${t("error")}: ${message}`;
  box.hidden = !message;
}

// -- language: switch at any time without losing the marks ---------------------------------------

function setLanguage(next) {
  lang = next;
  document.documentElement.lang = next;
  document.documentElement.dir = next === "ar" ? "rtl" : "ltr";
  for (const el of document.querySelectorAll("[data-text]")) el.textContent = t(el.dataset.text);
  for (const el of document.querySelectorAll("[data-names]")) el.textContent = JSON.parse(el.dataset.names)[next];
  for (const el of document.querySelectorAll("[data-name=election]")) el.textContent = data.names[next];
  for (const el of document.querySelectorAll("[data-limit-text]")) {
    const n = Number(el.dataset.limitText);
    el.textContent = n === 1 ? t("choose_one") : t("choose_up_to", { n: fmt(n) });
  }
  for (const a of document.querySelectorAll("a[href^='/ar/'], a[href^='/en/']")) {
    a.setAttribute("href", a.getAttribute("href").replace(/^\/(ar|en)\//, `/${next}/`));
  }
  const other = next === "ar" ? "en" : "ar";
  const switcher = $("language-switch");
  switcher.textContent = data.catalogs[next].language_other;
  switcher.lang = other;
  switcher.setAttribute("hreflang", other);
  switcher.setAttribute("href", location.pathname.replace(/^\/(ar|en)\//, `/${other}/`));
  history.replaceState(null, "", location.pathname.replace(/^\/(ar|en)\//, `/${next}/`));
  document.title = `${t("booth_title")} · ${data.names[next]} · ${t("site")}`;
  for (const fieldset of document.querySelectorAll("fieldset.contest")) enforceLimit(fieldset);
  if ($("credential") && $("credential-message").textContent) checkCredential();
  if (!$("step-review").hidden) renderReview();
  if (current && current.encryptMs !== undefined) renderTiming();
  if (current && current.receipt && !$("step-receipt").hidden) renderReceipt();
  showSavedReceipt();
  if (current && current.opened && !$("step-challenged").hidden) renderOpened();
}

$("language-switch").addEventListener("click", (event) => {
  event.preventDefault();
  setLanguage(lang === "ar" ? "en" : "ar");
});

// -- marking ----------------------------------------------------------------------------------------

function styleIndex() {
  const select = $("style");
  return select ? Number(select.value) : data.styles[0].index;
}

function styleBlock() {
  return document.querySelector(`.style[data-style="${styleIndex()}"]`);
}

function enforceLimit(fieldset) {
  const limit = Number(fieldset.dataset.limit);
  const boxes = [...fieldset.querySelectorAll("input[type=checkbox]")];
  const chosen = boxes.filter((box) => box.checked).length;
  const full = chosen >= limit;
  for (const box of boxes) {
    // Past the limit the other choices are marked disabled but stay focusable (in the Tab order,
    // read out with the limit message); a click on one is refused below.
    const blocked = full && !box.checked;
    box.setAttribute("aria-disabled", String(blocked));
    box.classList.toggle("blocked", blocked);
  }
  fieldset.querySelector(".limit-message").textContent = full && boxes.length > 1 ? t("limit_reached", { n: fmt(limit) }) : "";
}

for (const fieldset of document.querySelectorAll("fieldset.contest")) {
  fieldset.addEventListener("change", () => enforceLimit(fieldset));
  fieldset.addEventListener("click", (event) => {
    if (event.target.matches("input[type=checkbox][aria-disabled=true]")) {
      event.preventDefault();
      const message = fieldset.querySelector(".limit-message");
      message.textContent = "";
      message.textContent = t("limit_reached", { n: fmt(Number(fieldset.dataset.limit)) });
    }
  });
}

if ($("style")) {
  $("style").addEventListener("change", () => {
    for (const block of document.querySelectorAll(".style")) block.hidden = Number(block.dataset.style) !== styleIndex();
    prepare();
  });
}

// -- preparing the encryption while the voter marks ------------------------------------------------

// As soon as the voter starts marking (and again for another ballot style), the ballot's nonce
// ξ_B and selection id are drawn and the worker computes every exponentiation of the ballot's
// encryption that the votes do not decide (encrypt.js): after the review only the choice among
// prepared values, the proofs' challenges and responses are left. A preparation is used for one
// ballot at most: after an encryption (or a refusal) the next ballot draws new ones.
let preparation = null; // {style, selectionId, nonce}
// For the tests and benchmarks: whether a preparation is done, and how long the last one took.
const probe = (window.nazahaBooth = { ready: false, preparedMs: 0 });

function drawNonces(style) {
  return { style, selectionId: randomBytes(32), nonce: randomBytes(32) };
}

function prepare() {
  if (preparation && preparation.style === styleIndex()) return;
  if (preparation) preparation.nonce.fill(0); // never used for a ballot
  const next = drawNonces(styleIndex());
  preparation = next;
  probe.ready = false;
  const asked = performance.now();
  ask({ type: "prepare", context: data.context, style: next.style, selectionId: next.selectionId, ballotNonce: next.nonce })
    .then(() => {
      if (preparation === next) Object.assign(probe, { ready: true, preparedMs: performance.now() - asked });
    })
    .catch(() => {}); // superseded, or failed: the encryption then prepares again, and says why
}

$("ballot-form").addEventListener("focusin", prepare);
$("ballot-form").addEventListener("change", prepare);

// -- the voter's credential -------------------------------------------------------------------------

// The credential typed, in its 16 symbols, or null with the reason shown beside the field.
function checkCredential() {
  const field = $("credential");
  const message = $("credential-message");
  let problem = "";
  let normal = null;
  if (!field.value.trim()) problem = t("credential_missing");
  else {
    try {
      normal = normalizeCredential(field.value);
    } catch (error) {
      if (!(error instanceof CredentialError)) throw error;
      const [reason, count] = error.message.split(":");
      problem = reason === "length" ? t("credential_length", { n: fmt(Number(count)) }) : t(`credential_${reason}`);
    }
  }
  message.textContent = problem;
  field.setAttribute("aria-invalid", String(Boolean(problem)));
  return normal;
}

function deriveSigner(normal) {
  if (signer && signerFor === normal) return signer;
  signerFor = normal;
  signer = ask({ type: "derive", credential: normal, electionId: eligibility.election_id, kdf: eligibility.kdf });
  signer.catch(() => {
    signer = null;
    signerFor = "";
  });
  return signer;
}

if ($("credential")) {
  // A sheet's QR code opens the booth with the credential in the address's fragment, which the
  // browser never sends to any server; it is read here and taken out of the address at once.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("credential")) {
    $("credential").value = fragment.get("credential");
    history.replaceState(null, "", location.pathname + location.search);
    if (checkCredential()) $("credential-message").textContent = t("credential_from_qr");
  }
  $("credential").addEventListener("change", () => {
    const normal = checkCredential();
    if (normal) deriveSigner(normal);
  });
}

function marks() {
  const style = data.styles.find((s) => s.index === styleIndex());
  const block = styleBlock();
  const values = {};
  const chosen = {};
  for (const contest of style.contests) {
    const fieldset = block.querySelector(`fieldset[data-contest="${contest.index}"]`);
    const boxes = [...fieldset.querySelectorAll("input[data-option]")];
    values[contest.index] = boxes.map((box) => (box.checked ? 1 : 0));
    chosen[contest.index] = contest.options.filter((_, j) => boxes[j].checked);
  }
  return { style, values, chosen };
}

// A manifest text, isolated from the text around it (its direction is its own).
function isolated(text) {
  const el = document.createElement("bdi");
  el.textContent = text;
  return el;
}

function describe(list, style, valuesOrChosen, fromValues) {
  list.replaceChildren();
  for (const contest of style.contests) {
    const dt = document.createElement("dt");
    dt.append(isolated(contest.names[lang]));
    const dd = document.createElement("dd");
    const picked = fromValues
      ? contest.options.filter((_, j) => valuesOrChosen[contest.index][j] > 0)
      : valuesOrChosen[contest.index];
    if (!picked.length) dd.textContent = t("no_choice");
    picked.forEach((option, j) => {
      if (j) dd.append(lang === "ar" ? "، " : ", ");
      dd.append(isolated(option.names[lang]));
    });
    dd.dataset.contest = contest.label;
    list.append(dt, dd);
  }
}

function renderReview() {
  const { style, chosen } = marks();
  describe($("review-list"), style, chosen, false);
}

function show(step) {
  for (const id of ["step-mark", "step-review", "step-decide", "step-receipt", "step-challenged"]) $(id).hidden = id !== step;
  // The step's heading takes the focus (a screen reader reads it out) once the step is drawn:
  // focused at once, it would have the page laid out again inside this task.
  const heading = $(step).querySelector("h2[tabindex]");
  if (heading) {
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (!$(step).hidden) heading.focus();
      }, 0),
    );
  }
}

$("ballot-form").addEventListener("submit", (event) => {
  event.preventDefault();
  showError("");
  if ($("credential")) {
    const normal = checkCredential();
    if (!normal) {
      $("credential").focus();
      return;
    }
    deriveSigner(normal); // while the voter reviews
  }
  prepare();
  renderReview();
  show("step-review");
});

$("edit-button").addEventListener("click", () => show("step-mark"));

// The script runs: the ballot can be marked (it is disabled in the page, for browsers without it).
$("ballot-fields").disabled = false;

// -- encrypting ---------------------------------------------------------------------------------------

// A confirmation code in groups of 8, as the voter is asked to write down the first.
function grouped(code) {
  return code.match(/.{1,8}/g).join(" ");
}

function renderTiming() {
  $("encrypted-in").textContent = t("encrypted_in", { seconds: fmt(current.encryptMs / 1000, 2) });
}

// A refusal in the page's language; the ballot box's own words (English) only on English pages.
function problemText(reply, status) {
  const slug = String(reply.type || "").split("/").pop();
  const detail = String(reply.detail || status);
  let text = data.catalogs[lang][`problem_${slug}`];
  if (/already submitted|already cast/.test(detail)) text = t("problem_already");
  if (!text) text = t("problem_other");
  return lang === "en" ? `${text} (${detail})` : text;
}

async function api(path, body) {
  const response = await fetch(`/api/v1/elections/${election}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body,
  });
  const reply = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(problemText(reply, response.status));
  return reply;
}

$("encrypt-button").addEventListener("click", async () => {
  showError("");
  if (!globalThis.crypto || !globalThis.crypto.subtle) {
    showError(t("needs_secure"));
    return;
  }
  const { style, values } = marks();
  const button = $("encrypt-button");
  button.disabled = true;
  $("edit-button").disabled = true;
  const started = performance.now();
  let finished = 0;
  let progress = { done: 0, total: 1 };
  let updates = 0;
  const tick = () => {
    const seconds = fmt((performance.now() - started) / 1000, 1);
    const percent = fmt(Math.floor((100 * progress.done) / progress.total));
    $("progress").textContent = t("encrypting_progress", { seconds, percent });
  };
  let ticker = 0;
  const used = preparation && preparation.style === style.index ? preparation : drawNonces(style.index);
  preparation = null;
  probe.ready = false;
  const nonce = used.nonce;
  try {
    let signer = null;
    if (eligibility.needs_credential) {
      $("progress").textContent = t("signing");
      signer = await deriveSigner(checkCredential());
    }
    ticker = setInterval(tick, 100);
    // The worker finishes the prepared ballot, signs it, and sends it to the ballot box itself:
    // the page receives the code and the ballot's file as text, not a document to copy and encode.
    const sent = await ask(
      {
        type: "encrypt",
        context: data.context,
        ballot: { style: style.index, values },
        options: {
          selectionId: used.selectionId,
          ballotNonce: nonce,
          device: data.context.device,
          encryptedAt: utcNow(),
          labels,
        },
        signer,
        upload: `/api/v1/elections/${election}/ballots`,
      },
      (update) => {
        if (update.encrypted) {
          finished = performance.now();
          clearInterval(ticker);
          return;
        }
        progress = update;
        updates += 1;
        tick();
      },
    );
    clearInterval(ticker);
    $("progress").textContent = "";
    if (!sent.ok) throw new Error(problemText(sent.reply, sent.status));
    const encryptMs = finished - started;
    current = { code: sent.code, body: sent.body, nonce, receipt: sent.reply, style, encryptMs, key: sent.credential };
    $("confirmation-code").textContent = grouped(sent.code);
    renderTiming();
    show("step-decide");
    // For the tests and benchmarks: how long, when (the page's clock: clicked, encrypted, code
    // shown), how many progress updates, and whether the worker had prepared the ballot before the
    // click ("ahead"), partly, or only after it.
    Object.assign(probe, {
      encryptMs,
      code: sent.code,
      from: started,
      to: finished,
      shown: performance.now(),
      updates,
      prepared: sent.prepared,
    });
  } catch (error) {
    clearInterval(ticker);
    $("progress").textContent = "";
    showError(error.message);
  } finally {
    button.disabled = false;
    $("edit-button").disabled = false;
  }
});

// -- cast or challenge -------------------------------------------------------------------------------

function renderReceipt() {
  $("receipt-code").textContent = grouped(current.code);
  $("receipt-text").textContent = t("receipt_text", { position: fmt(current.decided.entry.position) });
  $("board-link").href = `/${lang}/elections/${election}/board?code=${current.code}`;
  $("receipt-qr").src = `/${lang}/elections/${election}/ballots/${current.code}/qr.svg`;
  if ($("receipt-key")) {
    $("receipt-key").textContent = current.key;
    $("key-link").href = `/${lang}/elections/${election}/board?credential=${current.key}`;
  }
}

async function decide(kind) {
  showError("");
  for (const id of ["cast-button", "challenge-button"]) $(id).disabled = true;
  try {
    current.decided = await api(
      `/ballots/${current.code}/${kind}`,
      JSON.stringify({ token: current.receipt.decision_token }),
    );
    if (kind === "cast") {
      // A cast ballot's nonce would let anyone who holds it read the vote: destroy it (spec §3.5).
      current.nonce.fill(0);
      current.nonce = null;
      saveReceipt();
      renderReceipt();
      show("step-receipt");
    } else {
      current.opened = await ask({ type: "open", context: data.context, body: current.body, ballotNonce: current.nonce });
      renderOpened();
      show("step-challenged");
    }
  } catch (error) {
    showError(error.message);
  } finally {
    for (const id of ["cast-button", "challenge-button"]) $(id).disabled = false;
  }
}

function renderOpened() {
  describe($("opened-list"), current.style, current.opened, true);
  $("ballot-nonce").textContent = bytesToHex(current.nonce);
  $("challenged-code").textContent = grouped(current.code);
  $("check-link").href =
    `/${lang}/elections/${election}/check?code=${current.code}#nonce=${bytesToHex(current.nonce)}`;
}

$("cast-button").addEventListener("click", () => decide("cast"));
$("challenge-button").addEventListener("click", () => decide("challenge"));

$("again-button").addEventListener("click", () => {
  current = null;
  show("step-mark");
});

// -- the receipt: downloaded (signed by the ballot box), printed, kept on this device -------------

const RECEIPT_KEY = `nazaha-receipt:${election}`;

function receiptDocument() {
  const { decision_token: _secret, ...signed } = current.receipt; // the token is not part of the receipt
  return {
    format: "nazaha-receipt/1",
    signed,
    decision: current.decided.entry,
    credential: current.key || undefined,
  };
}

function saveReceipt() {
  try {
    localStorage.setItem(RECEIPT_KEY, JSON.stringify(receiptDocument()));
  } catch {
    // storage refused (private mode, quota): the receipt is still shown, downloadable and printable
  }
}

function showSavedReceipt() {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(RECEIPT_KEY) || "null");
  } catch {
    saved = null;
  }
  const box = $("saved-receipt");
  if (!saved || !saved.signed || !$("step-receipt").hidden) {
    box.hidden = true;
    return;
  }
  const code = String(saved.signed.confirmation_code);
  $("saved-code").textContent = grouped(code);
  $("saved-text").textContent = t("saved_text", { position: fmt(saved.decision.position) });
  $("saved-board-link").href = `/${lang}/elections/${election}/board?code=${code}`;
  box.hidden = false;
}

$("download-receipt").addEventListener("click", () => {
  const blob = new Blob([JSON.stringify(receiptDocument(), null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `receipt-${election}-${current.code.slice(0, 8)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});
$("print-receipt").addEventListener("click", () => window.print());
$("forget-receipt").addEventListener("click", () => {
  localStorage.removeItem(RECEIPT_KEY);
  showSavedReceipt();
});
showSavedReceipt();
