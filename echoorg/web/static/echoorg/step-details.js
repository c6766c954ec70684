// The guardian's step form: show only the "for an X" fields of the chosen kind of step.
// Each such field sits in an element with data-for-step="<kind>". Without this script
// every field is shown, and its label says which kind of step it is for; the server
// ignores details that do not belong to the chosen kind.
(function () {
  "use strict";

  function follow(form) {
    var kind = form.querySelector("select[name=type]");
    if (!kind) { return; }
    var details = form.querySelectorAll("[data-for-step]");
    function show() {
      details.forEach(function (detail) {
        detail.hidden = detail.getAttribute("data-for-step") !== kind.value;
      });
    }
    kind.addEventListener("change", show);
    show();
  }

  document.querySelectorAll("form[data-step-form]").forEach(follow);
}());
