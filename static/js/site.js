/* Progressive enhancement for the comparison pages; every page also works without it. */
(function () {
  "use strict";

  // Filter forms are plain GET forms: changing a select submits it, so the URL stays shareable.
  document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () {
      if (field.form) {
        field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
      }
    });
  });

  // Charts: each <canvas data-chart="id"> draws the JSON config held in <script id="id">.
  if (typeof window.Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var holder = document.getElementById(canvas.dataset.chart);
    if (!holder) {
      return;
    }
    var spec = JSON.parse(holder.textContent);
    // A date axis: points are {x: "YYYY-MM-DD", y}, placed at their real distance on a linear axis
    // (no date adapter needed) and labelled back as dates.
    var dateAxis = spec.xAxis === "date";
    var isoDay = function (value) { return new Date(value).toISOString().slice(0, 10); };
    if (dateAxis) {
      spec.datasets.forEach(function (dataset) {
        // Strings are days; a number is already milliseconds (a reference line's ends, for instance).
        dataset.data.forEach(function (point) { if (typeof point.x === "string") { point.x = Date.parse(point.x); } });
      });
    }
    var config = {
      type: spec.type || "line",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // A chart may ask not to bridge missing points (the province chart: no line across unsold validities).
        spanGaps: spec.spanGaps !== false,
        // Few points per line (a tariff changes rarely): draw them large enough to see and hover.
        elements: { point: { radius: 4, hoverRadius: 6 } },
        plugins: {
          legend: { position: "bottom" },
          title: { display: !!spec.title, text: spec.title },
          tooltip: dateAxis ? { callbacks: { title: function (items) { return items.length ? isoDay(items[0].parsed.x) : ""; } } } : {}
        },
        scales: {
          // A date axis (trends, price history) or, with xType "linear", {x, y} points placed by value
          // (validity in days); the default spaces labels evenly.
          x: dateAxis
            ? { type: "linear", title: { display: !!spec.xLabel, text: spec.xLabel }, ticks: { callback: isoDay, maxTicksLimit: 8 } }
            : { type: spec.xType || "category", title: { display: !!spec.xLabel, text: spec.xLabel } },
          y: { beginAtZero: true, title: { display: !!spec.yLabel, text: spec.yLabel } }
        }
      }
    };
    new window.Chart(canvas, config);
  });
})();
