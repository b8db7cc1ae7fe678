// The worklist from the keyboard: j/k or arrows move, Enter or o opens, a accepts the top suggestion,
// m assigns to me, x selects, / searches. Served as a file: the page allows no inline script.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  var current = -1;

  function focusRow(index) {
    if (rows.length === 0) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) { rows[current].classList.remove("current"); }
    current = index;
    rows[current].classList.add("current");
    rows[current].focus();
  }

  rows.forEach(function (row, index) {
    row.addEventListener("focus", function () {
      if (current !== index) {
        if (current >= 0 && rows[current]) { rows[current].classList.remove("current"); }
        current = index;
        row.classList.add("current");
      }
    });
  });

  function click(selector) {
    if (current < 0) { return false; }
    var target = rows[current].querySelector(selector);
    if (!target) { return false; }
    target.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || tag === "BUTTON") {
      if (event.key === "Escape" && event.target.blur) { event.target.blur(); }
      return;
    }
    var handled = true;
    switch (event.key) {
      case "j": case "ArrowDown": focusRow(current + 1); break;
      case "k": case "ArrowUp": focusRow(current - 1); break;
      case "Enter": case "o":
        if (current >= 0) { window.location.assign(rows[current].getAttribute("data-href")); } else { handled = false; }
        break;
      case "a": handled = click("button.accept"); break;
      case "m": handled = click("button.assign-me"); break;
      case "x": handled = click("input[type=checkbox]"); break;
      case "/": var search = document.getElementById("f-q"); if (search) { search.focus(); } break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });
  document.body.setAttribute("data-keys", "ready");
})();
