// SPDX-License-Identifier: GPL-3.0-or-later
//
// booking.test.mjs: the booking page of creneaux-server (/reservation) in a real headless
// Chromium. Starts the real server with --demo on a free loopback port over TLS, then signs
// in as the demo regulator, searches, books, sees the refusals (slot just taken, excluded
// reason), cancels, and checks escaping, CSRF, cookie flags and the page without JavaScript.
//
// Usage: node booking.test.mjs --server PATH --tls-cert FILE --tls-key FILE
//                              [--screenshots DIR] [--chromium PATH]
// Needs playwright-core in ./node_modules (npm ci in this folder); never downloads a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function option(name, fallback = undefined) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const serverPath = option('server', process.env.CRN_SERVER);
const tlsCert = option('tls-cert', process.env.CRN_TEST_TLS_CERT);
const tlsKey = option('tls-key', process.env.CRN_TEST_TLS_KEY);
const screenshots = option('screenshots', process.env.CRN_WEB_SCREENSHOTS);
const chromiumPath = option('chromium', '/usr/bin/chromium');
const requireFrench = process.env.CRN_WEB_REQUIRE_FRENCH === '1';

let chromium;
try {
  const require = createRequire(join(here, 'package.json'));
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error('playwright-core is not installed: run `npm ci` in tests/server/web ' +
                '(build-aux/deps does it)');
  process.exit(1);
}

const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--lang=fr-FR',
];

// Hostile strings: each one would run script or add an element if printed unescaped.
const XSS = {
  nom: '<script>window.__xss="nom"</script>Durand',
  prenom: '"><img src=x onerror="window.__xss=\'prenom\'">Léa',
  motif: 'Fièvre </dd><b id="pwned">x</b> & \'quotes\' "double"',
  operateur: '</title><script>window.__xss="operateur"</script>Opé',
  telephone: '"><svg onload=__xss=5>',   // within the field's 30 characters
};

/* ---------------------------------------------------------------------------------- */
/* The server                                                                          */

function startServer(dataDir) {
  return new Promise((resolve, reject) => {
    // Every log level: the secrets checks below read all of it.
    const env = { ...process.env, LANGUAGE: process.env.LANGUAGE || 'fr', G_MESSAGES_DEBUG: 'all' };
    const child = spawn(serverPath, [
      '--data-dir', dataDir, '--listen', '127.0.0.1:0',
      '--tls-cert', tlsCert, '--tls-key', tlsKey, '--demo',
    ], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const accounts = {};
    let output = '';
    let log = '';
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not print "Listening on" in 60 s:\n${output}`));
    }, 60000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => { output += d; log += d; });
    child.stdout.on('data', (d) => {
      output += d;
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        const account = /^Demo account: (\S+) (\S+) (\S+)$/.exec(line);
        if (account) {
          accounts[account[1]] = { login: account[2], password: account[3] };
        }
        const listening = /^Listening on (\S+)$/.exec(line);
        if (listening) {
          clearTimeout(timer);
          resolve({ child, base: listening[1].replace(/\/$/, ''), accounts,
                    output: () => output, log: () => log });
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                             */

/* Chromium hangs at start under libfaketime (build-aux/time-sweep moves the clock of this
 * test and of the server): it gets the real clock. The pages it shows are the server's, made
 * at the server's time; the certificate is valid at both. */
function browserEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'LD_PRELOAD' || name.startsWith('FAKETIME'))
      delete env[name];
  }
  return env;
}

async function newContext(userDataDir, javaScriptEnabled = true) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    env: browserEnv(),
    headless: true,
    args: LAUNCH_ARGS,
    ignoreHTTPSErrors: true,
    javaScriptEnabled,
    locale: 'fr-FR',
    viewport: { width: 1200, height: 900 },
  });
}

async function signIn(page, base, account) {
  await page.goto(`${base}/reservation`);
  await page.fill('#f-identifiant', account.login);
  await page.fill('#f-mot-de-passe', account.password);
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/connexion"] button')]);
}

// Every visible form control has a label pointing at it, and every aria-describedby target
// exists.
async function checkLabels(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden') continue;
      if (!el.id || !document.querySelector(`label[for="${el.id}"]`)) {
        out.push(`no label for ${el.outerHTML}`);
      }
      for (const id of (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) out.push(`aria-describedby ${id} missing`);
      }
    }
    if (!document.querySelector('main')) out.push('no main landmark');
    if (!document.querySelector('header')) out.push('no banner');
    if (document.documentElement.lang !== 'fr') out.push('html lang is not fr');
    return out;
  });
  assert.deepEqual(problems, []);
}

async function errorCode(page) {
  const el = await page.$('[data-error]');
  return el ? el.getAttribute('data-error') : null;
}

async function noInjection(page) {
  const state = await page.evaluate(() => ({
    xss: window.__xss ?? null,
    pwned: document.getElementById('pwned') !== null,
    imgs: document.querySelectorAll('img').length,
    svgs: document.querySelectorAll('svg').length,
  }));
  assert.deepEqual(state, { xss: null, pwned: false, imgs: 0, svgs: 0 });
}

async function fillPatient(page, values) {
  for (const [name, value] of Object.entries(values)) {
    await page.fill(`#f-${name}`, value);
  }
}

async function firstSlotLinks(page) {
  return page.$$eval('li.slot a.button', (links) => links.map((a) => a.getAttribute('href')));
}

async function shot(page, name) {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `web-${name}.png`), fullPage: true });
}

/* ---------------------------------------------------------------------------------- */
/* The tests                                                                           */

test('booking page in headless Chromium', { timeout: 240000 }, async (t) => {
  assert.ok(serverPath, '--server PATH is required');
  assert.ok(tlsCert && tlsKey, '--tls-cert and --tls-key are required');

  const work = mkdtempSync(join(tmpdir(), 'crn-web-'));
  const server = await startServer(join(work, 'data'));
  const base = server.base;
  const { regulator, pharmacy, practitioner, coordinator } = server.accounts;
  let context;

  t.after(async () => {
    if (context) await context.close().catch(() => {});
    server.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  });

  assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(regulator && pharmacy && practitioner && coordinator,
            `demo accounts printed: ${Object.keys(server.accounts).join(', ')}`);

  context = await newContext(join(work, 'profile-js'));
  const page = context.pages()[0] ?? await context.newPage();
  let bookedSlot, bookingUrl;

  await t.test('sign-in page is accessible and French', async () => {
    const response = await page.goto(`${base}/reservation`);
    assert.equal(response.status(), 200);
    await checkLabels(page);
    const heading = await page.textContent('h1');
    if (!/Réserver/.test(heading)) {
      const message = `the page is not translated yet (h1: "${heading}"): merge the web ` +
                      'strings into po/fr.po';
      if (requireFrench) assert.fail(message);
      t.diagnostic(message);
    }
    const headers = response.headers();
    assert.match(headers['content-security-policy'], /script-src 'self'/);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['cache-control'], 'no-store');
  });

  await t.test('wrong password and other roles are refused', async () => {
    await signIn(page, base, { login: regulator.login, password: 'not-the-password' });
    assert.equal(await errorCode(page), 'bad-login');
    await signIn(page, base, practitioner);
    assert.equal(await errorCode(page), 'role');
    const cookies = await context.cookies(`${base}/reservation`);
    assert.equal(cookies.find((c) => c.name === 'crn_session'), undefined);
  });

  await t.test('regulator signs in; the session cookie is locked down', async () => {
    await signIn(page, base, regulator);
    assert.equal(await errorCode(page), null);
    assert.ok(await page.$('form.search-form'), 'the search form is shown');
    const session = (await context.cookies(`${base}/reservation`))
      .find((c) => c.name === 'crn_session');
    assert.ok(session, 'a session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/reservation');
    assert.ok(session.value.length >= 43, 'the session id carries 256 random bits');
  });

  await t.test('search lists free slots grouped by day and practitioner', async () => {
    await page.goto(`${base}/reservation?jours=3`);
    await checkLabels(page);
    const count = Number(await page.getAttribute('#results-title', 'data-results'));
    assert.ok(count >= 3, `free slots found: ${count}`);
    assert.ok((await page.$$('section.day')).length >= 1);
    assert.ok((await page.$$('article.gp-card')).length >= 1);
    assert.equal((await page.$$('li.slot')).length, count);
    await shot(page, 'search');

    // A filter on one modality only returns slots that show it.
    await page.selectOption('#f-modalite', 'cabinet');
    await Promise.all([page.waitForLoadState('load'), page.click('form.search-form button')]);
    assert.ok(!page.url().includes('nom='), 'no patient field in the search URL');

    // The time window and the age group filter the slots.
    await page.goto(`${base}/reservation?jours=3&de=17:00&a=19:00&age=adulte`);
    const times = await page.$$eval('li.slot .time', (els) => els.map((e) => e.textContent));
    for (const range of times) {
      const start = range.slice(0, 5);
      assert.ok(start >= '17:00' && start < '19:00', `${range} is inside 17:00–19:00`);
    }
    const tags = await page.$$eval('li.slot .restriction', (els) => els.map((e) => e.textContent));
    assert.ok(!tags.some((t) => /18/.test(t)), `no children-only slot for an adult: ${tags}`);

    // A bad time shows an error linked to its field.
    await page.goto(`${base}/reservation?de=25:99`);
    assert.equal(await page.getAttribute('#f-de', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#f-de', 'aria-describedby'), /f-de-error/);
  });

  await t.test('booking: errors linked to fields, hostile input escaped', async () => {
    await page.goto(`${base}/reservation?jours=3&age=adulte`);
    const links = await firstSlotLinks(page);
    assert.ok(links.length >= 3);
    bookedSlot = links[0];

    // A second tab opens the same slot's form before the booking (for the race below).
    const page2 = await context.newPage();
    await page2.goto(`${base}${bookedSlot}`);

    await page.goto(`${base}${bookedSlot}`);
    await checkLabels(page);
    await fillPatient(page, { nom: 'Lefèvre', prenom: 'Camille', naissance: '1984-06-12',
                              telephone: '06 12 34 56 78', motif: 'Fièvre et toux depuis 3 jours',
                              operateur: 'Julie Moreau' });
    await shot(page, 'booking-form');
    await fillPatient(page, { ...XSS, naissance: '1980-01-31' });
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/reserver"] button')]);

    // The phone is refused: the form comes back with the hostile values intact but inert.
    assert.equal(await errorCode(page), 'invalid');
    assert.equal(await page.getAttribute('#f-telephone', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#f-telephone', 'aria-describedby'), /f-telephone-error/);
    assert.ok(await page.$('#f-telephone-error'));
    for (const [name, value] of Object.entries(XSS)) {
      assert.equal(await page.inputValue(`#f-${name}`), value.trim(), `${name} kept as typed`);
    }
    await noInjection(page);
    assert.ok(!page.url().includes('Durand'));

    await page.fill('#f-telephone', '06 12 34 56 78');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/reserver"] button')]);
    assert.equal(await errorCode(page), null, await page.textContent('main'));
    bookingUrl = page.url();
    assert.match(bookingUrl, /\/reservation\/rdv\/[0-9a-f-]{36}$/, 'redirected to an opaque id');
    const main = await page.textContent('main');
    assert.ok(main.includes(XSS.nom), 'the name is shown as text');
    assert.ok(main.includes(XSS.motif), 'the reason is shown as text');
    if (!main.includes('Opé')) {
      // The database records the account's display name as the referrer; the typed name of
      // the operator is kept only once crn_server_db_book_slot() keeps request->referrer_name.
      t.diagnostic('the operator\'s typed name is not kept with the booking');
    }
    await noInjection(page);
    const html = await page.content();
    assert.ok(html.includes('&lt;script&gt;window.__xss="nom"'), 'script tags are escaped');
    await shot(page, 'booking-done');

    // The other tab still shows the form: booking the same slot again is refused.
    await fillPatient(page2, { nom: 'Martin', prenom: 'Paul', naissance: '1975-05-05',
                               telephone: '0612345679', motif: 'Douleur abdominale',
                               operateur: 'Opérateur B' });
    await Promise.all([page2.waitForLoadState('load'), page2.click('form[action$="/reserver"] button')]);
    assert.equal(await errorCode(page2), 'slot-taken');
    await shot(page2, 'slot-taken');
    await page2.close();

    // And the deep link of a taken slot says so at once.
    const again = await page.goto(`${base}${bookedSlot}`);
    assert.equal(again.status(), 409);
    assert.equal(await errorCode(page), 'slot-taken');
  });

  await t.test('an excluded reason is refused next to the field', async () => {
    await page.goto(`${base}/reservation?jours=3&age=adulte`);
    const links = await firstSlotLinks(page);
    await page.goto(`${base}${links[0]}`);
    const hint = await page.textContent('#f-motif-hint');
    // "…: renouvellement d'ordonnance, certificat…." -> the first excluded reason
    const excluded = hint.split(':').slice(1).join(':').split(',')[0].trim().replace(/\.$/, '');
    assert.ok(excluded.length > 3, `excluded reasons listed in the hint: ${hint}`);
    await fillPatient(page, { nom: 'Petit', prenom: 'Jeanne', naissance: '1990-03-03',
                              telephone: '0612345670', motif: `Pour ${excluded}`,
                              operateur: 'Opérateur A' });
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/reserver"] button')]);
    assert.equal(await errorCode(page), 'excluded-reason');
    assert.equal(await page.getAttribute('#f-motif', 'aria-invalid'), 'true');
    assert.ok(await page.$('#f-motif-error'));
    assert.equal(await page.inputValue('#f-nom'), 'Petit', 'the form keeps what was typed');
  });

  await t.test('CSRF: a POST without the session token changes nothing', async () => {
    const slotId = new URL(bookedSlot, base).searchParams.get('slot');
    const form = { slot: slotId, nom: 'X', prenom: 'Y', naissance: '1980-01-01',
                   telephone: '0612345678', motif: 'Toux', operateur: 'Z' };
    let r = await context.request.post(`${base}/reservation/reserver`, { form, maxRedirects: 0 });
    assert.equal(r.status(), 403);
    assert.match(await r.text(), /data-error="csrf"/);
    r = await context.request.post(`${base}/reservation/reserver`,
                                   { form: { ...form, csrf: 'A'.repeat(43) }, maxRedirects: 0 });
    assert.equal(r.status(), 403);
    const bookingId = bookingUrl.split('/').pop();
    r = await context.request.post(`${base}/reservation/annuler/${bookingId}`,
                                   { form: { raison: 'x' }, maxRedirects: 0 });
    assert.equal(r.status(), 403);
    await page.goto(bookingUrl);
    assert.equal(await page.getAttribute('[data-status]', 'data-status'), 'booked');
  });

  await t.test('My bookings lists the booking; it can be cancelled', async () => {
    await page.goto(`${base}/reservation/mes-reservations`);
    const bookingId = bookingUrl.split('/').pop();
    const row = page.locator(`tr[data-booking="${bookingId}"]`);
    assert.equal(await row.count(), 1);
    await noInjection(page);
    await shot(page, 'my-bookings');
    await Promise.all([page.waitForLoadState('load'), row.locator('a.danger-link').click()]);
    assert.ok(await page.$('form[action$="/annuler/' + bookingId + '"]'));
    // Wait for the answer's page itself: waitForLoadState() alone can resolve on the form's
    // page, already loaded, before the POST has come back (seen under the sanitizers).
    await Promise.all([page.waitForURL(/\/reservation\/mes-reservations$/, { waitUntil: 'load' }),
                       page.click('button.danger')]);
    assert.match(page.url(), /\/reservation\/mes-reservations$/);
    assert.ok(await page.$('.notice.success[role="status"]'), 'a confirmation is shown');
    assert.equal(await page.getAttribute(`tr[data-booking="${bookingId}"] [data-status]`,
                                         'data-status'), 'cancelled');
    // The slot is free again: its booking form opens.
    const reopened = await page.goto(`${base}${bookedSlot}`);
    assert.equal(reopened.status(), 200);
  });

  await t.test('sign out ends the session', async () => {
    await page.goto(`${base}/reservation`);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/deconnexion"] button')]);
    assert.ok(await page.$('#f-identifiant'), 'back to the sign-in form');
    const r = await page.goto(`${base}/reservation/mes-reservations`);
    assert.equal(r.status(), 401);
  });

  await t.test('deep link from the SAS: sign in, then the slot', async () => {
    await page.goto(`${base}/reservation?jours=3`);   // signed out: the sign-in form
    await signIn(page, base, regulator);
    // Three days, as the other searches: signing in lands on the default range, which has
    // no free slot left on some afternoons (a Saturday's, after the SNP hours).
    await page.goto(`${base}/reservation?jours=3`);
    const links = await firstSlotLinks(page);
    assert.ok(links.length >= 2, `free slots listed: ${links.length}`);
    const slotId = new URL(links[1], base).searchParams.get('slot');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/deconnexion"] button')]);
    await page.goto(`${base}/reservation?slot=${slotId}&origin=sas`);
    // Arriving from another site, the SameSite=Strict cookie is not sent: a same-site link
    // lets someone already signed in go on.
    assert.equal(await page.getAttribute('p.continue a', 'href'), `/reservation?slot=${slotId}`);
    await page.fill('#f-identifiant', regulator.login);
    await page.fill('#f-mot-de-passe', regulator.password);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/connexion"] button')]);
    assert.equal(new URL(page.url()).searchParams.get('slot'), slotId);
    assert.ok(await page.$('form[action$="/reserver"]'), 'the booking form of that slot');

    // The booking URL the FHIR API publishes in Slot.comment opens that slot's form.
    const token = await context.request.post(`${base}/oauth/token`, {
      form: { grant_type: 'password', username: regulator.login, password: regulator.password },
    });
    assert.equal(token.status(), 200);
    const { access_token: accessToken } = await token.json();
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const search = await context.request.get(
      `${base}/fhir/Slot?status=free&start=ge${encodeURIComponent(now)}&_count=1`,
      { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/fhir+json' } });
    assert.equal(search.status(), 200, await search.text());
    const bundle = await search.json();
    const fhirSlot = bundle.entry.find((e) => e.resource.resourceType === 'Slot').resource;
    const comment = new URL(fhirSlot.comment);
    assert.equal(comment.origin, base);
    assert.equal(comment.pathname, '/reservation');
    comment.searchParams.set('origin', 'sas');
    await page.goto(comment.href);
    assert.equal(await page.getAttribute('input[name="slot"]', 'value'), fhirSlot.id);
    assert.ok(await page.$('form[action$="/reserver"]'), 'Slot.comment leads to the booking form');
  });

  await t.test('pharmacy and coordinator', async () => {
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/deconnexion"] button')]);
    await signIn(page, base, pharmacy);
    assert.ok(await page.$('form.search-form'), 'a pharmacy may search');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/deconnexion"] button')]);

    await signIn(page, base, coordinator);
    assert.ok(await page.$('#f-month'), 'the coordinator gets the report form');
    const month = await page.inputValue('#f-month');
    const r = await context.request.get(`${base}/reservation/rapport?month=${month}&format=csv`);
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'], /^text\/csv/);
    assert.match(await r.text(), /^date,territoire,cabinet_id,cabinet,creneaux_proposes/);
    const booking = await context.request.get(`${base}/reservation/mes-reservations`);
    assert.equal(booking.status(), 403, 'the coordinator cannot book');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/deconnexion"] button')]);
  });

  await t.test('everything works without JavaScript', async () => {
    await context.close();
    context = await newContext(join(work, 'profile-nojs'), false);
    const p = context.pages()[0] ?? await context.newPage();
    await signIn(p, base, regulator);
    await p.goto(`${base}/reservation?jours=3&age=adulte`);
    const links = await firstSlotLinks(p);
    assert.ok(links.length >= 1);
    await p.goto(`${base}${links[links.length - 1]}`);
    await fillPatient(p, { nom: 'Bernard', prenom: 'Chloé', naissance: '2001-07-14',
                           telephone: '06 11 22 33 44', motif: 'Otalgie',
                           operateur: 'Opérateur C' });
    await Promise.all([p.waitForLoadState('load'), p.click('form[action$="/reserver"] button')]);
    assert.match(p.url(), /\/reservation\/rdv\/[0-9a-f-]{36}$/);
    assert.equal(await errorCode(p), null);
    await p.goto(`${base}/reservation/mes-reservations`);
    assert.ok((await p.$$('tr[data-booking]')).length >= 1);
  });

  await t.test('repeated wrong passwords lock the login out', async () => {
    const login = { login: 'inconnu.test', password: 'faux' };
    let code;
    await context.clearCookies();   // signed out
    for (let i = 0; i < 8 && code !== 'locked-out'; i++) {
      await signIn(context.pages()[0], base, login);
      code = await errorCode(context.pages()[0]);
      assert.ok(code === 'bad-login' || code === 'locked-out', `attempt ${i + 1}: ${code}`);
    }
    assert.equal(code, 'locked-out');
  });

  await t.test('no patient data in the server output', async () => {
    const output = server.output();
    for (const word of ['Durand', 'Bernard', 'Otalgie', '0612345678', '06 11 22 33 44']) {
      assert.ok(!output.includes(word), `"${word}" does not appear in the server's output`);
    }
  });

  await t.test('no password in the server log, at any level', async () => {
    // stdout prints the demo accounts by design; the log (stderr, G_MESSAGES_DEBUG=all)
    // must hold none of the passwords typed in this session, right or wrong.
    const log = server.log();
    const typed = [...Object.values(server.accounts).map((a) => a.password),
                   'not-the-password', 'faux'];
    assert.ok(log.length > 0, 'the server logged something');
    for (const password of typed) {
      assert.ok(!log.includes(password), `a password appears in the server log`);
    }
  });
});
