// The challenge checker: a challenged ballot, fetched from the ballot box, opened here with the
// nonce the booth released (spec §3.5): each selection nonce is recomputed from it and every
// ciphertext must open to a value in range. This page shares no state with the booth that made
// the ballot, and runs on any device: a booth that lied about what it encrypted fails here.

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

function describe(styleIndex, opened) {
  const list = $("check-list");
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
  $("check-result-title").focus();
}

$("check-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("check-result").hidden = true;
  $("check-list").replaceChildren();
  const code = clean($("check-code").value);
  const nonce = clean($("check-nonce").value);
  if (!/^[0-9A-F]{64}$/u.test(code) || !/^[0-9A-F]{64}$/u.test(nonce)) {
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
  $("check-status").textContent = "";
  try {
    const opened = await openBallot(context, doc, hexToBytes(nonce));
    describe(doc.style, opened);
    verdict(true, t("check_match"));
  } catch (error) {
    verdict(false, t("check_mismatch"));
  }
});

// A link from the booth may carry the nonce in the address's fragment (never sent to a server).
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get("nonce")) $("check-nonce").value = fragment.get("nonce");
$("check-fields").disabled = false;
