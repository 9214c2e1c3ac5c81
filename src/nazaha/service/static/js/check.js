// The challenge checker: a challenged ballot, fetched from the ballot box, opened here with the
// nonce the booth released (spec §3.5): each selection nonce is recomputed from it and every
// ciphertext must open to a value in range. This page shares no state with the booth that made
// the ballot, and runs on any device: a booth that lied about what it encrypted fails here.
// After the count it also fetches the guardians' opening of the ballot (the record's
// challenged/<code>.json), checks it against the same ciphertexts and compares the choices.

import { hexToBytes, loadContext, openBallot } from "./electionguard.js";

const data = JSON.parse(document.getElementById("check-data").textContent);
const lang = document.documentElement.lang;
const context = loadContext(data.context);
const $ = (id) => document.getElementById(id);

function t(key, params = {}) {
  let text = data.catalogs[lang][key] || key;
  for (const [name, value] of Object.entries(params)) text = text.replace(`{${name}}`, value);
  return text;
}

const clean = (text) => text.replace(/[\s-]+/gu, "").toUpperCase();

function isolated(text) {
  const el = document.createElement("bdi");
  el.textContent = text;
  return el;
}

function describe(list, styleIndex, opened) {
  list.replaceChildren();
  const style = data.styles.find((s) => s.index === styleIndex) || { contests: [] };
  for (const contest of style.contests) {
    const values = opened[contest.index] || [];
    const dt = document.createElement("dt");
    dt.append(isolated(contest.names[lang]));
    const dd = document.createElement("dd");
    const picked = contest.options.filter((_, j) => values[j] > 0);
    if (!picked.length) dd.textContent = t("no_choice");
    picked.forEach((option, j) => {
      if (j) dd.append(lang === "ar" ? "، " : ", ");
      dd.append(isolated(option.names[lang]));
    });
    dd.dataset.contest = contest.label;
    list.append(dt, dd);
  }
}

function verdict(ok, title) {
  $("check-result").hidden = false;
  $("check-result").className = ok ? "notice ok" : "notice error";
  $("check-result-title").textContent = title;
  $("check-result").dataset.verdict = ok ? "match" : "mismatch";
}

function guardians(kind, ok, text) {
  $("guardians-result").hidden = false;
  $("guardians-result").className = ok === null ? "notice" : ok ? "notice ok" : "notice error";
  $("guardians-result").dataset.verdict = kind;
  $("guardians-text").textContent = text;
}

// The guardians' opening checked against the encrypted ballot itself: each option's published
// nonce ξ and value σ must give its ciphertext, α = g^ξ and β = K^(σ+ξ) (spec eq. 31), so the
// page takes neither the ballot box's nor the guardians' word for it. Returns what it holds, as
// openBallot does: {contestIndex: [value per option]}.
function checkOpening(doc, opening) {
  const { group, voteKey } = context;
  if (opening.contests.length !== doc.contests.length) throw new Error("the opening has other contests");
  const opened = {};
  for (const contest of doc.contests) {
    const open = opening.contests.find((c) => c.contest === contest.contest);
    if (!open || open.selections.length !== contest.selections.length) throw new Error(`contest ${contest.label}`);
    opened[contest.contest] = contest.selections.map((selection) => {
      const one = open.selections.find((s) => s.option === selection.option);
      if (!one || !Number.isSafeInteger(one.value) || one.value < 0) throw new Error(`option ${selection.option}`);
      const nonce = BigInt("0x" + one.nonce);
      const pad = group.pow(group.g, nonce);
      const body = group.pow(voteKey, nonce + BigInt(one.value));
      if (pad !== BigInt("0x" + selection.pad) || body !== BigInt("0x" + selection.data)) {
        throw new Error(`contest ${contest.label}, option ${selection.option}: the opening does not give this ciphertext`);
      }
      return one.value;
    });
  }
  return opened;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function fetchOpening(code) {
  const response = await fetch(`/api/v1/elections/${data.election}/ballots/${code}/opening`);
  if (response.status === 404) return null; // not decrypted yet
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

$("check-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  for (const id of ["check-result", "guardians-result"]) $(id).hidden = true;
  for (const id of ["check-list", "guardians-list"]) $(id).replaceChildren();
  const code = clean($("check-code").value);
  const nonce = clean($("check-nonce").value);
  if (!/^[0-9A-F]{64}$/u.test(code) || (nonce && !/^[0-9A-F]{64}$/u.test(nonce))) {
    $("check-status").textContent = t("check_format");
    return;
  }
  $("check-status").textContent = t("check_running");
  const response = await fetch(`/api/v1/elections/${data.election}/ballots/${code}/document`);
  if (!response.ok) {
    $("check-status").textContent = t("check_not_challenged");
    return;
  }
  const doc = await response.json();
  let published;
  try {
    published = await fetchOpening(code);
  } catch (error) {
    $("check-status").textContent = `${t("error")}: ${error.message}`;
    return;
  }
  if (!nonce && !published) {
    $("check-status").textContent = t("check_need_nonce");
    return;
  }
  $("check-status").textContent = "";
  let fromNonce = null;
  if (nonce) {
    try {
      fromNonce = await openBallot(context, doc, hexToBytes(nonce));
      describe($("check-list"), doc.style, fromNonce);
      verdict(true, t("check_match"));
    } catch (error) {
      verdict(false, t("check_mismatch"));
    }
  }
  if (!published) {
    guardians("pending", null, t("check_guardians_pending"));
  } else if (!published.opened) {
    guardians("unopened", false, t("check_guardians_unopened"));
  } else {
    let fromGuardians = null;
    try {
      fromGuardians = checkOpening(doc, published.document);
    } catch (error) {
      fromGuardians = null;
    }
    if (!fromGuardians || (fromNonce && !same(fromNonce, fromGuardians))) {
      guardians("mismatch", false, t("check_guardians_mismatch"));
    } else if (fromNonce) {
      guardians("agree", true, t("check_guardians_agree"));
    } else {
      guardians("opened", true, t("check_guardians_opened"));
      describe($("guardians-list"), doc.style, fromGuardians);
    }
  }
  $(nonce ? "check-result-title" : "guardians-title").focus();
});

// A link from the booth may carry the nonce in the address's fragment (never sent to a server).
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get("nonce")) $("check-nonce").value = fragment.get("nonce");
$("check-fields").disabled = false;
