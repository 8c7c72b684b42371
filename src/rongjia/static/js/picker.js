/* The pick-by-name box (core/forms_places.py, core/_picker.html): htmx fetches suggestions into the
   listbox as the person types; this script shows them, moves through them with the arrow keys (Enter picks,
   Escape closes: the WAI-ARIA 1.2 combobox pattern), and on a pick puts the option's code in the hidden input
   and its readable name in the box. Typing clears the code, so a changed name is never sent with the code of
   the place picked before: the server then reads the name itself, or says to choose. */
(function () {
  if (window.rongjiaPicker) return;  // each picker names this script; it runs once
  window.rongjiaPicker = true;

  function partsOf(element) {
    var box = element.closest("[data-picker]");
    return {input: box.querySelector("[data-picker-input]"), code: box.querySelector("[data-picker-code]"),
            list: box.querySelector("[role=listbox]")};
  }
  function isBox(element) { return element && element.matches && element.matches("[data-picker-input]"); }
  function choices(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  }
  function setActive(input, option) {
    choices(partsOf(input).list).forEach(function (each) {
      each.classList.toggle("active", each === option);
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function setOpen(input, open) {
    partsOf(input).list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(input, null);
  }
  function pick(option) {
    var parts = partsOf(option);
    parts.code.value = option.dataset.value;
    parts.input.value = option.dataset.label;  // the readable name stays in the box
    setOpen(parts.input, false);
    parts.input.dispatchEvent(new Event("change", {bubbles: true}));
  }

  // htmx sends the box under its own name (<field>_text); every suggestion source reads the text as q.
  document.addEventListener("htmx:configRequest", function (event) {
    var input = event.detail.elt;
    if (!isBox(input)) return;
    delete event.detail.parameters[input.name];
    event.detail.parameters.q = input.value;
  });
  // New suggestions: give each an id for aria-activedescendant, and show them while the box has the focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list.matches || !list.matches("[data-picker] [role=listbox]")) return;
    var input = partsOf(list).input;
    list.querySelectorAll("[role=option]").forEach(function (option, i) { option.id = list.id + "-" + i; });
    setOpen(input, document.activeElement === input && list.children.length > 0);
  });
  document.addEventListener("input", function (event) {
    if (isBox(event.target)) partsOf(event.target).code.value = "";
  });
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isBox(input)) return;
    var list = partsOf(input).list, options = choices(list);
    var current = options.indexOf(list.querySelector("[role=option].active"));
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length) {
      event.preventDefault();
      setOpen(input, true);
      var down = event.key === "ArrowDown";
      var next = down ? (current + 1) % options.length : (current <= 0 ? options.length - 1 : current - 1);
      setActive(input, options[next]);
    } else if (event.key === "Enter" && !list.hidden && current >= 0) {
      event.preventDefault();  // Enter on a suggestion picks it rather than sending the form
      pick(options[current]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      setOpen(input, false);
    }
  });
  // Pressing an option must not take the focus from the box: that would close the list before the click.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-picker] [role=listbox]")) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-picker] [role=option]");
    if (option && option.getAttribute("aria-disabled") !== "true") pick(option);
  });
  document.addEventListener("focusout", function (event) {
    if (isBox(event.target)) setOpen(event.target, false);
  });
})();
