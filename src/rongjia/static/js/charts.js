/* Draws the ECharts charts of a page: each <div data-chart="ID"> reads its data from the
   <script type="application/json" id="ID"> that Django's json_script wrote. */
(function () {
  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.values, itemStyle: { color: "#066fd1" }, label: { show: true, position: "top" } }],
      aria: { enabled: true },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();

/* A horizontal bar chart of shares in per cent, one bar per category (long region names fit
   on a phone): <div data-chart-percent="ID"> reads {labels, values} from json_script ID. */
(function () {
  function drawPercent(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chartPercent).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: data.labels,
               axisLabel: { interval: 0, width: 120, overflow: "truncate" } },
      series: [{ type: "bar", data: data.values, itemStyle: { color: "#066fd1" },
                 label: { show: true, position: "right", formatter: "{c}%" } }],
      aria: { enabled: true },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart-percent]").forEach(drawPercent);
  });
})();

/* Lines over time, several series: <div data-chart-lines="ID"> reads {labels, series: [{name, values}]}. */
(function () {
  function drawLines(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chartLines).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) { return { type: "line", name: s.name, data: s.values }; }),
      aria: { enabled: true },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart-lines]").forEach(drawLines);
  });
})();
