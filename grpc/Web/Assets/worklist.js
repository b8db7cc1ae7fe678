// The worklist from the keyboard: j/k or arrows move, Enter or o opens, a accepts the top suggestion,
// m assigns to me, x selects, / searches. Served as a file: the page allows no inline script.
// After a reload (every action posts and comes back here) the focus is put back deterministically: on the
// row that was current, or, when an action removed it, on the row now at its place; on a page reached any
// other way, on the main heading. Only then does the body say data-keys="ready".
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  var current = -1;
  var memory = "cashapp.worklist.current";

  function remember(index) {
    try {
      window.sessionStorage.setItem(memory, JSON.stringify({ path: window.location.pathname + window.location.search, id: rows[index].id, index: index }));
    } catch (e) { /* no storage: the focus falls back to the heading */ }
  }

  function recall() {
    try {
      var value = JSON.parse(window.sessionStorage.getItem(memory) || "null");
      window.sessionStorage.removeItem(memory);
      return value;
    } catch (e) { return null; }
  }

  function mark(index) {
    if (current >= 0 && rows[current]) { rows[current].classList.remove("current"); }
    current = index;
    rows[current].classList.add("current");
  }

  function focusRow(index) {
    if (rows.length === 0) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    mark(index);
    rows[current].focus();
  }

  rows.forEach(function (row, index) {
    row.addEventListener("focus", function () {
      if (current !== index) { mark(index); }
    });
  });

  // Any form posted from the page (a row's accept or assign, a bulk action) comes back to this list.
  Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
    form.addEventListener("submit", function (event) {
      var row = event.submitter && event.submitter.closest ? event.submitter.closest("tr[data-row]") : null;
      var index = row ? rows.indexOf(row) : current;
      if (index >= 0) { remember(index); }
    });
  });

  function restore() {
    var last = recall();
    if (last && last.path === window.location.pathname + window.location.search && rows.length > 0) {
      var same = rows.findIndex(function (row) { return row.id === last.id; });
      focusRow(same >= 0 ? same : last.index);
      return;
    }
    var heading = document.querySelector("main h1, h1");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
      heading.focus();
    }
  }

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
  restore();
  document.body.setAttribute("data-keys", "ready");
})();
