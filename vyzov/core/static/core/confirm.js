/* Never lose what was typed, never act irreversibly by one click. No inline script: works under the CSP.

   1. Irreversible actions ask first: a form, its submit button or a link with data-confirm="…" shows the
      text in confirm(); «Отмена» sends nothing. With data-confirm-field="status" and
      data-confirm-value="done" on the form it asks only when that field has that value.
   2. Unsaved changes: submitting one form of a page does not send what was typed into another form of
      the same page. If another POST form was changed since the page was shown, the page says so and
      asks before its changes are lost. */
(function () {
  "use strict";

  function postForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return (form.getAttribute("method") || "").toLowerCase() === "post";
    });
  }

  function state(form) {
    var parts = [];
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken") {
        parts.push(key + "=" + (typeof value === "string" ? value : value.name));
      }
    });
    return parts.join("&");
  }

  function label(form) {
    var summary = form.closest("details") && form.closest("details").querySelector("summary");
    var text = form.getAttribute("aria-label") || (summary && summary.textContent) || "";
    return text.trim();
  }

  var shown = new Map();
  postForms().forEach(function (form) {
    shown.set(form, state(form));
  });

  function confirmText(form, submitter) {
    var text = submitter && submitter.getAttribute("data-confirm");
    if (text) {
      return text;
    }
    text = form.getAttribute("data-confirm");
    var field = form.getAttribute("data-confirm-field");
    if (text && field) {
      var element = form.elements[field];
      return element && element.value === form.getAttribute("data-confirm-value") ? text : "";
    }
    return text || "";
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var changed = postForms().filter(function (other) {
        return other !== form && shown.has(other) && shown.get(other) !== state(other);
      });
      var ok = true;
      if (changed.length) {
        var names = changed.map(label).filter(Boolean);
        ok = window.confirm(
          "На странице есть несохранённые изменения" +
            (names.length ? " («" + names.join("», «") + "»)" : "") +
            ". Эта кнопка их не сохранит — они будут потеряны. Продолжить?"
        );
      }
      var text = ok && confirmText(form, event.submitter);
      if (ok && text) {
        ok = window.confirm(text);
      }
      if (!ok) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // Pages updated by htmx: a form saved in place is no longer "changed"; new forms are watched too.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && event.detail.successful) {
      shown.set(form, state(form));
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    postForms().forEach(function (form) {
      if (!shown.has(form)) {
        shown.set(form, state(form));
      }
    });
  });

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
