// Staff insights: draw each panel's chart from the JSON block beside its table. The tables carry
// the same figures, so without this script (or without Chart.js) the page still says everything.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;

  // Colours that stay apart for most kinds of colour blindness (Okabe and Ito), on white.
  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

  function draw(figure) {
    var source = document.getElementById(figure.dataset.chart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var bar = data.kind === "bar";
    figure.hidden = false;
    new window.Chart(figure.querySelector("canvas"), {
      type: bar ? "bar" : "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          var colour = COLOURS[i % COLOURS.length];
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colour,
            borderColor: colour,
            borderWidth: bar ? 0 : 2,
            pointRadius: data.labels.length > 60 ? 0 : 2,
            spanGaps: false,
          };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: data.stacked, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { stacked: data.stacked, beginAtZero: true },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  document.querySelectorAll("figure[data-chart]").forEach(draw);
})();
