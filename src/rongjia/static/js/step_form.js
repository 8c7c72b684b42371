/* The petition's step form: show only the fields the chosen step reads (each such field names its
   steps in data-steps). Without JavaScript every field shows and the service ignores the others. */
(function () {
  function update(form) {
    var action = form.querySelector("select[name=action]").value;
    form.querySelectorAll("[data-steps]").forEach(function (field) {
      var wanted = field.dataset.steps.split(" ").indexOf(action) !== -1;
      field.closest(".mb-3").hidden = !wanted;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-step-form]").forEach(function (form) {
      var select = form.querySelector("select[name=action]");
      if (!select) return;
      select.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();
