/* Respondent form, progressive enhancement (the form works without this script):
   - a follow-up panel (.conditional) is shown only while its controlling question has an
     answer that reveals it (data-controller = the field's name, data-show-values);
   - focus moves to the error summary when a page has one. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  var form = document.querySelector("form[data-conditional-reveal]");
  if (!form) {
    return;
  }
  var panels = Array.prototype.slice.call(form.querySelectorAll(".conditional[data-controller]"));

  function inputsOf(panel) {
    var name = panel.getAttribute("data-controller");
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name === name && (element.type === "radio" || element.type === "checkbox");
    });
  }

  function update() {
    panels.forEach(function (panel) {
      var show = (panel.getAttribute("data-show-values") || "").split(" ");
      var revealed = inputsOf(panel).some(function (input) {
        return input.checked && show.indexOf(input.value) !== -1;
      });
      panel.classList.toggle("conditional--hidden", !revealed);
    });
  }

  panels.forEach(function (panel) {
    var show = (panel.getAttribute("data-show-values") || "").split(" ");
    inputsOf(panel).forEach(function (input) {
      if (show.indexOf(input.value) !== -1) {
        var controls = (input.getAttribute("aria-controls") || "").split(" ").filter(Boolean);
        controls.push(panel.id);
        input.setAttribute("aria-controls", controls.join(" "));
      }
    });
  });
  form.addEventListener("change", update);
  update();
})();
