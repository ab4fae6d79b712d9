#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that a translation is valid and complete against the current sources.

The catalogue is first checked as it is (msgfmt --check). Then a template is extracted afresh
from the files listed in po/POTFILES.in, with the keywords of meson's 'glib' gettext preset,
the catalogue is merged onto it (msgmerge), and the merged catalogue must have no untranslated
and no fuzzy message: a string added to the sources but not yet translated counts as
untranslated even before anyone regenerates the catalogue.

Skipped (exit status 77) unless CRN_CHECK_FR_PO is set to a non-empty value other than 0.

Usage: check-fr-po.py SOURCE_ROOT [LANGUAGE]
"""

import os
import re
import subprocess
import sys
import tempfile

# meson's i18n.gettext(preset: 'glib') arguments (mesonbuild/modules/i18n.py).
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

STATISTICS = re.compile(
    r'(?P<translated>\d+) translated messages?'
    r'(?:, (?P<fuzzy>\d+) fuzzy translations?)?'
    r'(?:, (?P<untranslated>\d+) untranslated messages?)?')


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def statistics(po_path):
    """Runs msgfmt --check --statistics; returns (ok, output, translated, fuzzy, untranslated)."""
    result = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po_path])
    output = (result.stdout + result.stderr).strip()
    match = STATISTICS.search(output)
    if result.returncode != 0 or not match:
        return False, output, 0, 0, 0
    return (True, output, int(match.group('translated')), int(match.group('fuzzy') or 0),
            int(match.group('untranslated') or 0))


def list_messages(po_path, flag):
    """The msgids of PO_PATH that msgattrib selects with FLAG (--untranslated, --only-fuzzy)."""
    result = run(['msgattrib', flag, '--no-obsolete', '--no-wrap', po_path])
    ids = re.findall(r'^msgid "(.*)"$', result.stdout, re.MULTILINE)
    return [i for i in ids if i]


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get('CRN_CHECK_FR_PO', '') in ('', '0'):
        print('CRN_CHECK_FR_PO is not set: the translation is checked after the translation pass.')
        return 77
    root = os.path.abspath(sys.argv[1])
    language = sys.argv[2] if len(sys.argv) == 3 else 'fr'
    po_dir = os.path.join(root, 'po')
    po_path = os.path.join(po_dir, language + '.po')

    ok, output, _, _, _ = statistics(po_path)
    print(f'po/{language}.po as it is: {output}')
    if not ok:
        print(f'msgfmt --check rejects po/{language}.po.')
        return 1

    with tempfile.TemporaryDirectory(prefix='crn-po-') as tmp:
        pot_path = os.path.join(tmp, 'creneaux.pot')
        merged_path = os.path.join(tmp, language + '.po')
        # Paths relative to the source root, as meson's creneaux-pot target writes them.
        result = run(['xgettext', '--package-name=creneaux', '--files-from=' + os.path.join(po_dir, 'POTFILES.in'),
                      '--directory=' + root, '--output=' + pot_path] + XGETTEXT_ARGS)
        if result.returncode != 0:
            print('xgettext failed on the files of po/POTFILES.in:\n' + result.stderr)
            return 1
        if not os.path.exists(pot_path):
            print('po/POTFILES.in yields no translatable string at all.')
            return 1
        result = run(['msgmerge', '--quiet', '--output-file=' + merged_path, po_path, pot_path])
        if result.returncode != 0:
            print('msgmerge failed:\n' + result.stderr)
            return 1
        ok, output, translated, fuzzy, untranslated = statistics(merged_path)
        print(f'po/{language}.po against the current sources: {output}')
        if not ok:
            print('msgfmt --check rejects the merged catalogue.')
            return 1
        if fuzzy or untranslated:
            for flag, what in (('--untranslated', 'untranslated'), ('--only-fuzzy', 'fuzzy')):
                ids = list_messages(merged_path, flag)
                if ids:
                    print(f'{len(ids)} {what}:')
                    for msgid in ids:
                        print('  ' + msgid)
            return 1
        print(f'po/{language}.po is complete: {translated} messages translated.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
