// The running total of a selection, in integer minor units: the Apply button is enabled only when the
// selection balances the unapplied amount, and the write-off only for a rest within the policy's limit.
// The server checks all of it again; this only saves a round trip.
(function () {
  "use strict";
  var form = document.getElementById("decide");
  if (!form) { return; }
  var unapplied = parseInt(form.getAttribute("data-unapplied"), 10);
  var digits = parseInt(form.getAttribute("data-digits"), 10);
  var limit = parseInt(form.getAttribute("data-limit"), 10);
  var totalOut = document.getElementById("selected-total");
  var restOut = document.getElementById("rest");

  function toMinor(text) {
    var match = /^\s*([+-]?)(\d{1,15})(?:\.(\d*))?\s*$/.exec(text.replace(/,/g, ""));
    if (!match) { return null; }
    var fraction = (match[3] || "");
    if (fraction.replace(/0+$/, "").length > digits) { return null; }
    fraction = (fraction + "0000000000").slice(0, digits);
    var value = parseInt(match[2] + fraction, 10);
    return match[1] === "-" ? -value : value;
  }

  function format(minor) {
    var negative = minor < 0;
    var text = String(Math.abs(minor));
    if (digits > 0) {
      while (text.length <= digits) { text = "0" + text; }
      text = text.slice(0, text.length - digits) + "." + text.slice(text.length - digits);
    }
    return (negative ? "-" : "") + text;
  }

  function update() {
    var total = 0, valid = true, any = false;
    form.querySelectorAll("tr.candidate").forEach(function (row) {
      var take = row.querySelector("input.take");
      if (take && take.checked) {
        any = true;
        var minor = toMinor(row.querySelector("input.amount").value);
        if (minor === null || minor === 0) { valid = false; } else { total += minor; }
      }
    });
    var rest = unapplied - total;
    totalOut.textContent = valid ? format(total) : "?";
    restOut.textContent = valid ? format(rest) : "?";
    var paragraph = totalOut.parentElement;
    paragraph.classList.toggle("balanced", valid && rest === 0);
    paragraph.classList.toggle("unbalanced", !valid || rest !== 0);
    document.getElementById("apply").disabled = !(valid && any && rest === 0);
    document.getElementById("apply-on-account").disabled = !(valid && rest > 0 && total >= 0);
    document.getElementById("refund").disabled = !(valid && rest > 0 && total >= 0);
    document.getElementById("apply-write-off").disabled = !(valid && rest > 0 && rest <= limit);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
