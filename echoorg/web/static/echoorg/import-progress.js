// Progress of a background import of survey responses: polls the job's status from the
// API every two seconds, moves the <progress> bar, and reloads the page once the job has
// finished so its final status (rows imported, or the problems found) is shown.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box || box.getAttribute("data-finished") === "yes" || !window.fetch) {
    return;
  }
  var bar = document.getElementById("import-progress");
  var percent = document.getElementById("import-percent");
  var state = document.getElementById("import-state");
  var url = box.getAttribute("data-poll-url");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        percent.textContent = job.progress + "%";
        if (job.finished) {
          window.location.reload();
          return;
        }
        state.textContent = job.status_label;
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        // Leave the reload link for the person to use; stop polling.
      });
  }
  window.setTimeout(poll, 1000);
})();
