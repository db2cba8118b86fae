// clicktrail console: progressive enhancement only (ADR 0085). Pages work without it.
// - [data-copy]: copy the value of the element the selector names (or the attribute itself).
// - <canvas data-chart="ID"> + <script type="application/json" id="ID">: a Chart.js chart.
// - <form data-confirm="Question?">: ask before submitting.
// - <form data-live-link="URL">: the offer page's tracking-link builder, updated as you type.
(function () {
  "use strict";

  function copyText(button) {
    var spec = button.getAttribute("data-copy");
    var text = spec;
    if (spec && spec.charAt(0) === "#") {
      var target = document.querySelector(spec);
      if (!target) return;
      text = "value" in target ? target.value : target.textContent;
      if (target.select) target.select();
    }
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      // http on a non-local host: the selected text is copied the old way.
      try {
        document.execCommand("copy");
        done();
      } catch (e) { /* the value stays selected for the user to copy */ }
    }
  }

  function drawCharts() {
    if (typeof window.Chart === "undefined") return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var island = document.getElementById(canvas.getAttribute("data-chart"));
      if (!island) return;
      var config;
      try {
        config = JSON.parse(island.textContent);
      } catch (e) {
        return;
      }
      config.options = Object.assign(
        { responsive: true, maintainAspectRatio: false, animation: false },
        config.options || {}
      );
      new window.Chart(canvas, config);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      event.preventDefault();
      copyText(button);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <form data-live-link="URL">: the tracking-link builder. While the user chooses, ask URL
  // (with the form's fields) for {"url", "errors"} and show the link in #tracking-link. The
  // form still works without this: submitting it renders the link on the server.
  function liveLink(form) {
    var endpoint = form.getAttribute("data-live-link");
    var output = document.getElementById("tracking-link");
    var message = form.querySelector("[data-link-error]");
    var timer = null;
    var latest = 0;
    function update() {
      var asked = ++latest;
      var query = new URLSearchParams(new FormData(form)).toString();
      fetch(endpoint + "?" + query, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (asked !== latest || !output) return;
          output.value = body.url || "";
          var errors = body.errors || {};
          var text = Object.keys(errors).map(function (k) { return errors[k]; }).join(" ");
          if (message) {
            message.textContent = text;
            message.hidden = !text;
          }
        })
        .catch(function () { /* keep the last link; submitting still works */ });
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 200);
    });
    form.addEventListener("change", update);
  }
  document.querySelectorAll("form[data-live-link]").forEach(liveLink);

  // On "load": every deferred script (chart.umd.min.js in a page's scripts block) has run.
  if (document.readyState === "complete") {
    drawCharts();
  } else {
    window.addEventListener("load", drawCharts);
  }
})();
