// Workshop mode: keeps a workshop page current without a reload button. Polls the page's
// status address (data-poll-url) every three seconds; reloads the page when the room has
// moved to another decision or finished, and otherwise updates the vote labels in place
// (the shared screen only). Without JavaScript the page's refresh link does the same.
(function () {
  "use strict";
  var box = document.getElementById("workshop-live");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-poll-url");
  var step = Number(box.getAttribute("data-step"));
  var total = document.getElementById("vote-total");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (room) {
        if (room.finished || room.step !== step) {
          window.location.reload();
          return;
        }
        (room.options || []).forEach(function (label, index) {
          var cell = document.querySelector('[data-option="' + index + '"]');
          if (cell && cell.textContent !== label) {
            cell.textContent = label;
          }
        });
        if (total && room.total && total.textContent !== room.total) {
          total.textContent = room.total;
        }
        window.setTimeout(poll, 3000);
      })
      .catch(function () {
        // Leave the refresh link for the person to use; stop polling.
      });
  }
  window.setTimeout(poll, 3000);
})();
