/* Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can forbid
   inline script: ask before a destructive action (data-confirm on a form or a button), and
   submit a form when a select marked data-autosubmit changes (the language switch), print on data-print. */
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();  // a sheet printed as it is shown
  });
})();
