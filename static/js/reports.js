/* The manager's reports: draw each table's chart with Chart.js from the JSON block beside it
   (templates/reports/_table.html). The figures are in the table too: the chart only shows them. */
(function () {
  "use strict";

  // Okabe and Ito's palette: told apart with the common kinds of colour blindness.
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"];

  function valueAxis(spec) {
    const axis = { beginAtZero: true, stacked: spec.stacked, ticks: { precision: 0 } };
    if (spec.share) {
      axis.suggestedMax = 100;
      axis.ticks = { callback: (value) => value + "%" };
    }
    const title = spec.share ? "Per cent" : spec.yLabel;
    if (title) axis.title = { display: true, text: title };
    return axis;
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    if (spec.horizontal) {
      // A bar a row: the box grows with the rows rather than squeezing them.
      canvas.parentElement.style.height = Math.max(160, 70 + spec.labels.length * 34) + "px";
    }
    const labelAxis = { stacked: spec.stacked, ticks: { autoSkip: true, maxRotation: 60 } };
    const suffix = spec.share ? "%" : "";
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map((series, i) => ({
          label: series.label,
          data: series.data,
          backgroundColor: PALETTE[i % PALETTE.length],
          borderColor: PALETTE[i % PALETTE.length],
          borderWidth: spec.type === "line" ? 2 : 0,
          pointRadius: spec.labels.length > 60 ? 0 : 3,
          spanGaps: true,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: spec.horizontal
          ? { x: valueAxis(spec), y: labelAxis }
          : { x: labelAxis, y: valueAxis(spec) },
        plugins: {
          legend: { position: "bottom", display: spec.series.length > 1 },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${item.formattedValue}${suffix}`,
            },
          },
        },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
