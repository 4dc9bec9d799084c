// The answer tables of the question, overview and entity pages sort by any column when a header is
// clicked. The browse pages sort on the server (their header links); without JavaScript these tables
// stay in the order the question gives, and every one can be downloaded as CSV.
(function () {
  "use strict";
  function key(cell) {
    var data = cell.querySelector("data[value]");
    var text = data ? data.getAttribute("value") : cell.textContent.trim();
    var number = Number(text.replace(/[£,%\s]/g, ""));
    return { text: cell.textContent.trim().toLowerCase(), number: text !== "" && !isNaN(number) ? number : null };
  }
  function sortBy(table, index, header, headers) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (row) { return key(row.cells[index]); });
    var numeric = keys.every(function (k) { return k.number !== null || k.text === ""; });
    var descending = header.getAttribute("aria-sort") === "ascending";
    var order = rows.map(function (_row, i) { return i; });
    order.sort(function (a, b) {
      var x = keys[a], y = keys[b], found;
      if (x.text === "" || y.text === "") { found = (x.text === "") - (y.text === ""); return found || a - b; }  // blanks last
      found = numeric ? x.number - y.number : x.text.localeCompare(y.text, "en", { numeric: true });
      return (descending ? -found : found) || a - b;
    });
    order.forEach(function (i) { body.appendChild(rows[i]); });
    headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  document.querySelectorAll("table.results:not(.browse-table)").forEach(function (table) {
    if (!table.tHead || !table.tBodies.length || table.tBodies[0].rows.length < 2) { return; }
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, header, headers); });
    });
  });
}());
