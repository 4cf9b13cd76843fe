/* Irreversible actions ask first. A form, its submit button or a link with data-confirm="…" shows
   the text in confirm(); «Отмена» sends nothing. No inline script: works under the CSP. */
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var text =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (text && !window.confirm(text)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("a[data-confirm]");
      if (link && !window.confirm(link.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
