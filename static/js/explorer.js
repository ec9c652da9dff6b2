// Keyboard help for the feature suggestions: Down from the search box moves into the list,
// Up/Down move between suggestions, Enter ticks one, Escape returns to the box.
// Everything works without this file; it only adds the arrow-key shortcuts.
(function () {
  "use strict";

  function boxes() {
    return Array.from(document.querySelectorAll("#suggestions input[type=checkbox]"));
  }

  document.addEventListener("keydown", function (event) {
    var search = document.getElementById("feature-search");
    if (!search) return;
    var list = boxes();
    var index = list.indexOf(document.activeElement);
    if (event.target === search && event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[0].focus();
    } else if (index >= 0 && event.key === "ArrowDown") {
      event.preventDefault();
      list[Math.min(index + 1, list.length - 1)].focus();
    } else if (index >= 0 && event.key === "ArrowUp") {
      event.preventDefault();
      (index === 0 ? search : list[index - 1]).focus();
    } else if (index >= 0 && event.key === "Enter") {
      // Enter ticks the suggestion rather than submitting the whole form.
      event.preventDefault();
      list[index].click();
    } else if (index >= 0 && event.key === "Escape") {
      search.focus();
    }
  });
})();
