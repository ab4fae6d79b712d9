/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * crn-web.js: small, optional enhancements of the booking page. Everything works without it.
 * - moves the focus to the error summary when a form comes back with errors;
 * - prevents a second submission of a booking form while the first is on its way.
 */
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('.error-summary');
  if (summary) {
    summary.focus();
  }

  for (const form of document.querySelectorAll('form[data-once]')) {
    form.addEventListener('submit', (event) => {
      if (form.dataset.sent === 'true') {
        event.preventDefault();
        return;
      }
      form.dataset.sent = 'true';
      for (const button of form.querySelectorAll('button[type="submit"]')) {
        button.setAttribute('aria-disabled', 'true');
        button.classList.add('busy');
      }
    });
  }
});
