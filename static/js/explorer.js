// The explore page's only script of our own. Everything works without it: the picker is a plain
// GET form and every link is a real link. htmx swaps the results in place; this file keeps the
// rest of the page in step with those swaps:
//
//  - The ticks are the visitor's. A "remove" chip unticks its feature at once; after a swap, and
//    after a back/forward restore, the boxes are set to the features the results were drawn for
//    (data-ticked), unless the visitor has ticked something since (their newer request follows).
//  - A feature can have two boxes (a suggestion and its body-system list): they move together, so
//    unticking either one unticks the feature, and the request names each feature once.
//  - A ticked suggestion moves to "Your ticked features" before new suggestions replace it.
//  - Screen readers hear each new result count from a live region that stays on the page, and the
//    number of suggestions from another.
//  - Focus is never dropped: when the link that was used (a "remove" chip, a page link) is
//    replaced, focus goes to the results heading.
//  - Keyboard: Down from the search box moves into the suggestions, Up/Down move between them,
//    Enter ticks one, Escape returns to the box; Enter in the box asks for suggestions at once.
(function () {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function featureBoxes(value) {
    var boxes = Array.from(document.querySelectorAll("#picker input[name=feature]"));
    return value === undefined ? boxes : boxes.filter(function (box) { return box.value === value; });
  }

  function suggestionBoxes() {
    return Array.from(document.querySelectorAll("#suggestions input[type=checkbox]"));
  }

  function textOf(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // Tick exactly the features the results on the page were drawn for.
  function syncTicks() {
    var status = byId("results-status");
    if (!status || !status.hasAttribute("data-ticked")) return;
    var ticked = status.getAttribute("data-ticked").split(" ").filter(Boolean);
    featureBoxes().forEach(function (box) {
      box.checked = ticked.indexOf(box.value) >= 0;
    });
    var list = byId("ticked");
    if (list) list.hidden = !list.querySelector("li");
  }

  // Counts the visitor's ticks, so a response can tell whether it is still the latest word.
  var ticks = 0;

  function afterResults(event) {
    var status = byId("results-status");
    var live = byId("picker-status");
    if (!status) return;
    lastRequestFailed = false;
    if (event.detail.xhr && event.detail.xhr.ticksAtSend === ticks) syncTicks();
    if (live) live.innerHTML = status.firstElementChild ? status.firstElementChild.innerHTML : "";
    if (status.dataset.title) document.title = status.dataset.title;
    // Focus the results when asked to, or when the control that asked for them was inside them
    // (a "remove" chip, a page link) and so has just been replaced.
    var active = document.activeElement;
    if (showResultsNext || !active || active === document.body || !active.isConnected) {
      // Asked for with "Show conditions": the results' top at the screen's top, so the first
      // result is on a phone's first screen; otherwise move only if the heading is out of view.
      var asked = showResultsNext;
      showResultsNext = false;
      var heading = byId("results-title");
      heading.focus({ preventScroll: true });
      if (asked || !isInView(heading)) heading.scrollIntoView({ block: "start" });
    }
  }

  function isInView(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  function announceSuggestions() {
    var live = byId("suggestions-status");
    var search = byId("feature-search");
    if (!live || !search) return;
    var count = suggestionBoxes().length;
    var message = textOf(document.querySelector("#suggestions .no-match"));
    if (count) {
      message = count + (count === 1 ? " feature matches" : " features match") +
        ". Press the down arrow to reach " + (count === 1 ? "it" : "them") + ".";
    }
    live.textContent = search.value.trim() ? message : "";
  }

  // Keep ticked suggestions: move them to "Your ticked features" before the list is replaced.
  function keepTickedSuggestions() {
    var list = document.querySelector("#ticked ul");
    if (!list) return;
    suggestionBoxes().forEach(function (box) {
      if (!box.checked) return;
      var item = box.closest("li");
      var why = item.querySelector(".why");
      if (why) why.remove();
      list.appendChild(item);
      byId("ticked").hidden = false;
    });
  }

  // The picker asks for each feature once, in the order they were ticked (so the comparison's
  // columns stay put), whichever box was used and however many boxes a feature has.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id !== "picker") return;
    var params = event.detail.parameters;
    var status = byId("results-status");
    var before = status ? (status.getAttribute("data-ticked") || "").split(" ") : [];
    var values = params.getAll("feature").filter(function (value, index, all) {
      return all.indexOf(value) === index;
    });
    function rank(value) {
      var index = before.indexOf(value);
      return index < 0 ? before.length : index;
    }
    values.sort(function (a, b) { return rank(a) - rank(b); });
    params.delete("feature");
    values.forEach(function (value) { params.append("feature", value); });
  });

  function targetId(event) {
    var target = event.detail.target || event.target;  // history restores have no detail.target
    return target ? target.id : "";
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (targetId(event) === "suggestions") keepTickedSuggestions();
  });

  // On swap, not settle: the swap runs in the same task as the response, so no tick can slip in
  // between the check above and the boxes being set.
  document.addEventListener("htmx:afterSwap", function (event) {
    var id = targetId(event);
    if (id === "results") afterResults(event);
    else if (id === "suggestions") announceSuggestions();
  });

  // If the results could not be fetched, say so, and let "Show conditions" load the page instead.
  var lastRequestFailed = false;
  function requestFailed(event) {
    if (targetId(event) !== "results") return;
    lastRequestFailed = true;
    var live = byId("picker-status");
    if (live) live.textContent = "The results could not be updated. Press “Show conditions” to try again.";
  }
  document.addEventListener("htmx:responseError", requestFailed);
  document.addEventListener("htmx:sendError", requestFailed);

  document.addEventListener("htmx:historyRestore", function () {
    syncTicks();
  });

  document.addEventListener("htmx:beforeSend", function (event) {
    event.detail.xhr.ticksAtSend = ticks;
  });

  // Capture phase, so these run before htmx sees the change on the form.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "feature-search") {
      // Typing fetches suggestions; it must not also ask for results.
      event.stopPropagation();
    } else if (target.name === "feature" && target.type === "checkbox") {
      ticks += 1;
      featureBoxes(target.value).forEach(function (box) { box.checked = target.checked; });
    }
  }, true);

  // A "remove" chip unticks its feature straight away, so a tick made before its results arrive
  // does not bring the feature back.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest && event.target.closest("button.chip");
    if (!chip || !window.htmx) return;
    ticks += 1;
    featureBoxes(chip.value).forEach(function (box) { box.checked = false; });
  }, true);

  // With htmx, the picker reads the order and filters from the results' form (hx-include), so
  // its own copies, written for a visitor without JavaScript, would be stale after a swap.
  if (window.htmx) {
    document.querySelectorAll("#picker .setting-copy").forEach(function (input) { input.disabled = true; });
  }

  function askForSuggestions(search) {
    if (window.htmx) window.htmx.trigger(search, "search");
  }

  // With JavaScript the picker never reloads the page: "Find" refreshes the suggestions, and
  // "Show conditions" refreshes the results and takes you to them (on a phone they are below).
  var showResultsNext = false;
  document.addEventListener("submit", function (event) {
    var search = byId("feature-search");
    if (!search || !window.htmx || event.target.id !== "picker" || lastRequestFailed) return;
    event.preventDefault();
    if (event.submitter && event.submitter.name === "find") {
      askForSuggestions(search);
      search.focus();
    } else {
      showResultsNext = true;
      window.htmx.trigger(event.target, "change");
    }
  });

  document.addEventListener("keydown", function (event) {
    var search = byId("feature-search");
    if (!search || event.altKey || event.ctrlKey || event.metaKey) return;
    var list = suggestionBoxes();
    var index = list.indexOf(document.activeElement);
    if (event.target === search) {
      if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        list[0].focus();
      } else if (event.key === "Enter" && window.htmx) {
        event.preventDefault();
        askForSuggestions(search);
      }
    } else if (index >= 0) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        list[Math.min(index + 1, list.length - 1)].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index === 0 ? search : list[index - 1]).focus();
      } else if (event.key === "Enter") {
        // Enter ticks (or unticks) the suggestion rather than submitting the whole form.
        event.preventDefault();
        list[index].click();
      } else if (event.key === "Escape") {
        search.focus();
      }
    }
  });
})();
