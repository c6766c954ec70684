// The recovery codes page: a Print button (the codes are the only thing printed; see
// the print rules in app.css). Without JavaScript the browser's own Print still works.
(function () {
  "use strict";
  var button = document.getElementById("print-recovery-codes");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
