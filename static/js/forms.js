// Forms that come back with errors: move focus to the error summary so that it is read out and
// a keyboard user starts from the list of problems (each links to its field).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
