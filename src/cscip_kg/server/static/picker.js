// Long option lists on the question pages get a box that narrows them as one types.
// Without JavaScript the plain <select> (grouped by kind) still works.
(function () {
  "use strict";
  function squash(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^0-9a-z]+/g, "");
  }
  document.querySelectorAll("select.picker").forEach(function (select) {
    if (select.options.length < 15) { return; }
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "picker-filter";
    box.setAttribute("autocomplete", "off");
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "picker-label";
    label.textContent = "Type part of a name to narrow the list";
    var count = document.createElement("small");
    count.className = "note";
    count.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select);
    box.addEventListener("input", function () {
      var wanted = squash(box.value), shown = 0, first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var keep = !wanted || option.value === "" || squash(option.text).indexOf(wanted) !== -1;
        option.hidden = !keep;
        if (keep && option.value !== "") { shown += 1; if (!first) { first = option; } }
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (first && select.selectedOptions.length && select.selectedOptions[0].hidden) { first.selected = true; }
      count.textContent = wanted ? shown + " match" + (shown === 1 ? "" : "es") : "";
    });
  });
}());
