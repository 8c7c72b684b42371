/* The fair's door on a phone: the number pad has no X, so the page's own X key types the last character of an
   ID number that ends in X; the field keeps the focus, ready for the next guest. */
(function () {
  document.addEventListener("click", function (event) {
    var key = event.target.closest("[data-type-x]");
    if (!key) return;
    var input = document.getElementById(key.dataset.typeX);
    if (!input) return;
    input.value = input.value.replace(/\s+/g, "").replace(/X$/i, "") + "X";
    input.focus();
  });
})();
