// Behaviour shared by every page. No inline script anywhere (Content-Security-Policy):
// pages ask for behaviour with data- attributes handled here.
(function () {
  "use strict";

  // <button data-praxis-print>: print the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-praxis-print]")) {
      window.print();
    }
  });

  // <button data-praxis-confirm="Question?">: ask before this button submits.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-praxis-confirm]");
    if (button && !window.confirm(button.getAttribute("data-praxis-confirm"))) {
      event.preventDefault();
    }
  });

  // <form data-praxis-confirm="Question?">: ask before submitting (e.g. declining an offer).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-praxis-confirm]");
    if (form && !window.confirm(form.getAttribute("data-praxis-confirm"))) {
      event.preventDefault();
    }
  });

  // After a form error, move focus to the error summary (or the first invalid field),
  // so keyboard and screen reader users hear what went wrong.
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.querySelector("main .is-invalid, main [aria-invalid='true'], main .invalid-feedback, main .errorlist");
    if (!field) {
      return;  // no form error on this page
    }
    var target = document.querySelector("main [data-praxis-error-summary], main .alert-danger") || field;
    if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  });
})();
