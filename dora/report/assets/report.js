(function () {
  "use strict";
  var esc = function (s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  var specs = JSON.parse(document.getElementById("dora-charts").textContent);
  var live = [];
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) { return; }
    if (typeof echarts === "undefined") {
      el.className = "empty";
      el.textContent = "The charting library could not be loaded, so this chart is not shown. The tables below hold the same figures.";
      return;
    }
    var option = spec.option;
    if (spec.tips) {
      option.tooltip = option.tooltip || {};
      option.tooltip.formatter = function (p) {
        var q = Array.isArray(p) ? p[0] : p;
        var rows = spec.itemTips ? (spec.tips[q.seriesIndex] || [])[q.dataIndex] : spec.tips[q.dataIndex];
        if (!rows) { return ""; }
        return rows.map(function (r, i) { return i === 0 ? "<b>" + esc(r) + "</b>" : esc(r); }).join("<br>");
      };
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    live.push(chart);
  });
  window.addEventListener("resize", function () { live.forEach(function (c) { c.resize(); }); });

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
        if (col === 0) { dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1; }
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
          if (x === y) { return 0; }
          if (x === "") { return 1; }
          if (y === "") { return -1; }
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return c * dir;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
