// Pickers (vyzov/core/forms.py PickerWidget): a click on a suggestion puts its id into the hidden
// input and its name into the search box; typing again clears the chosen id. No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-picker-choice]");
    if (!button) return;
    var box = button.closest("[data-picker]");
    if (!box) return;
    box.querySelector("[data-picker-value-input]").value = button.getAttribute("data-picker-choice");
    var search = box.querySelector("[data-picker-search]");
    search.value = button.getAttribute("data-picker-label");
    search.setAttribute("data-picker-chosen", search.value);
    var results = box.querySelector(".picker-results");
    results.innerHTML = "";
    var chosen = document.createElement("div");
    chosen.className = "form-text";
    chosen.textContent = "Выбрано: " + button.textContent.trim();
    results.appendChild(chosen);
    search.focus();
  });
  document.addEventListener("input", function (event) {
    var search = event.target.closest("[data-picker-search]");
    if (!search) return;
    if (search.value !== search.getAttribute("data-picker-chosen")) {
      var box = search.closest("[data-picker]");
      box.querySelector("[data-picker-value-input]").value = "";
      search.removeAttribute("data-picker-chosen");
    }
  });
})();
