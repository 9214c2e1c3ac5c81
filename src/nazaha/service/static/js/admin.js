// The officials' dashboard: irreversible actions (close, tally, decrypt) ask for confirmation first.
// Without JavaScript the forms submit as they are (the server checks the session and form token).
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
