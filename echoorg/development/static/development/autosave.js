// Autosave of a reflection draft: a few seconds after the writer pauses (and at least every
// so often while they keep typing), the form is sent with fetch, CSRF token included, and
// the status line says "Saved at hh:mm". Without JavaScript the Save button does the same.
// A save refused by the server (another window saved first, a title left empty) is
// reported in the status line; the text stays on the page and nothing is retried until
// the writer types again.
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("save-status");
  var aidBody = document.getElementById("reflection-aid-body");
  var revision = form.querySelector("input[name=revision]");
  var PAUSE = 2500;      // ms after the last keystroke
  var MAX_WAIT = 15000;  // ms of continuous typing before a save anyway
  var timer = null;
  var firstChange = 0;
  var dirty = false;
  var saving = false;

  function say(text) {
    if (status.textContent !== text) { status.textContent = text; }
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (!dirty) { return; }
    if (saving) { schedule(); return; }
    saving = true;
    dirty = false;
    firstChange = 0;
    var data = new FormData(form);
    data.set("action", "autosave");
    // getAttribute: the form's buttons are named "action", which hides form.action.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) {
          revision.value = body.revision;
          say("Saved at " + body.saved_at + ".");
          if (aidBody && body.aid_html) { aidBody.innerHTML = body.aid_html; }
        } else {
          dirty = true;
          say("Not saved: " + (body.problems || ["the server refused the save."]).join(" "));
        }
      });
    }).catch(function () {
      dirty = true;
      say("Not saved: the server could not be reached. Your text is still on this page; try the Save button.");
    }).then(function () {
      saving = false;
    });
  }

  function schedule() {
    var now = Date.now();
    if (!firstChange) { firstChange = now; }
    clearTimeout(timer);
    timer = setTimeout(save, Math.max(0, Math.min(PAUSE, firstChange + MAX_WAIT - now)));
  }

  function changed() {
    dirty = true;
    say("Changes not saved yet.");
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { clearTimeout(timer); dirty = false; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
}());
