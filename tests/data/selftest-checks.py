#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shows that the packaging checks of this folder fail when they should.

Each check runs on a small made-up tree in a temporary directory: once in a good state, where
it must pass, and once per fault, where it must fail and name the fault. A check that cannot
fail checks nothing.

Usage: selftest-checks.py SOURCE_ROOT FLATPAK_BUILDER APPSTREAMCLI
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable
failures = []
ran = 0


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def expect(name, argv, status, needle=None, env=None):
    """Runs ARGV; records a failure unless it exits with STATUS and prints NEEDLE."""
    global ran
    ran += 1
    result = subprocess.run(argv, capture_output=True, text=True,
                            env=dict(os.environ, **(env or {})))
    output = result.stdout + result.stderr
    if result.returncode != status or (needle and needle not in output):
        failures.append(f'{name}: expected status {status}'
                        + (f' and "{needle}"' if needle else '')
                        + f', got {result.returncode}:\n{output}')
    else:
        print(f'ok - {name}')


def potfiles(tmp):
    check = [PYTHON, os.path.join(HERE, 'check-potfiles.py'), tmp]
    write(os.path.join(tmp, 'src', 'a.c'), 'const char *s = _("Slot");\n')
    write(os.path.join(tmp, 'src', 'b.c'), '/* strings go in _() */\nint crn_ (int x);\n'
          'const char *t = "_(";\n')
    write(os.path.join(tmp, 'resources', 'w.ui'),
          '<interface><object class="GtkLabel"><property name="label" '
          'translatable="yes">Week</property></object></interface>\n')
    write(os.path.join(tmp, 'data', 'x.desktop.in.in'), '[Desktop Entry]\n')
    write(os.path.join(tmp, 'po', 'POTFILES.in'),
          '# header\ndata/x.desktop.in.in\nresources/w.ui\nsrc/a.c\n')
    expect('potfiles: complete list passes', check, 0)
    write(os.path.join(tmp, 'po', 'POTFILES.in'), 'data/x.desktop.in.in\nresources/w.ui\n')
    expect('potfiles: a C file with _() is missing', check, 1, 'src/a.c')
    write(os.path.join(tmp, 'po', 'POTFILES.in'), 'data/x.desktop.in.in\nsrc/a.c\n')
    expect('potfiles: a .ui file with translatable="yes" is missing', check, 1, 'resources/w.ui')
    write(os.path.join(tmp, 'po', 'POTFILES.in'), 'resources/w.ui\nsrc/a.c\n')
    expect('potfiles: the desktop template is missing', check, 1, 'data/x.desktop.in.in')
    write(os.path.join(tmp, 'po', 'POTFILES.in'),
          'data/x.desktop.in.in\nresources/w.ui\nsrc/a.c\nsrc/gone.c\n')
    expect('potfiles: a listed file does not exist', check, 1, 'src/gone.c')


def fr_po(tmp):
    check = [PYTHON, os.path.join(HERE, 'check-fr-po.py'), tmp, 'fr']
    on = {'CRN_CHECK_FR_PO': '1'}
    write(os.path.join(tmp, 'src', 'a.c'),
          'const char *s = _("Slot");\n'
          'const char *f (int n) { return g_dngettext (NULL, "%d slot", "%d slots", n); }\n')
    write(os.path.join(tmp, 'po', 'POTFILES.in'), 'src/a.c\n')
    header = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n')
    plural = ('#, c-format\nmsgid "%d slot"\nmsgid_plural "%d slots"\n'
              'msgstr[0] "%d créneau"\nmsgstr[1] "%d créneaux"\n\n')
    write(os.path.join(tmp, 'po', 'fr.po'), header + 'msgid "Slot"\nmsgstr "Créneau"\n\n' + plural)
    expect('fr-po: skipped without CRN_CHECK_FR_PO', check, 77, env={'CRN_CHECK_FR_PO': ''})
    expect('fr-po: complete catalogue passes', check, 0, env=on)
    write(os.path.join(tmp, 'po', 'fr.po'), header + plural)
    expect('fr-po: a string of the sources missing from fr.po', check, 1, 'Slot', env=on)
    write(os.path.join(tmp, 'po', 'fr.po'),
          header + '#, fuzzy\nmsgid "Slot"\nmsgstr "Créneau"\n\n' + plural)
    expect('fr-po: a fuzzy translation', check, 1, 'fuzzy', env=on)
    write(os.path.join(tmp, 'po', 'fr.po'), header + 'msgid "Slot"\nmsgstr "Créneau"\n\n'
          + plural.replace('msgstr[1] "%d créneaux"', 'msgstr[1] "créneaux"'))
    expect('fr-po: msgfmt --check rejects a broken format', check, 1, 'msgfmt --check', env=on)


def icons(tmp):
    check = [PYTHON, os.path.join(HERE, 'check-icons.py'), tmp]
    src = os.path.join(ROOT, 'data', 'icons')
    shutil.copytree(src, os.path.join(tmp, 'data', 'icons'))
    expect('icons: the project icons pass', check, 0)
    symbolic = os.path.join(tmp, 'data', 'icons', 'hicolor', 'symbolic', 'apps',
                            'io.github.creneaux.Creneaux-symbolic.svg')
    with open(symbolic, encoding='utf-8') as f:
        good = f.read()
    write(symbolic, good.replace('</svg>', '<path d="M0,0h1" stroke="#2e3436"/></svg>'))
    expect('icons: a stroke in the symbolic icon', check, 1, 'stroke')
    write(symbolic, good.replace('</svg>', '<rect width="1" height="1" fill="#ff0000"/></svg>'))
    expect('icons: a second colour in the symbolic icon', check, 1, 'colours')
    write(symbolic, good)
    os.remove(os.path.join(tmp, 'data', 'icons', 'hicolor', 'scalable', 'apps',
                           'io.github.creneaux.Creneaux.Devel.svg'))
    expect('icons: the Devel icon is missing', check, 1, 'Devel.svg: missing')


def flatpak(tmp, flatpak_builder):
    check = [PYTHON, os.path.join(HERE, 'check-flatpak-manifest.py'), flatpak_builder, tmp]
    shutil.copy(os.path.join(ROOT, 'meson.build'), tmp)
    shutil.copytree(os.path.join(ROOT, 'src'), os.path.join(tmp, 'src'),
                    ignore=shutil.ignore_patterns('*.c', '*.h'))
    with open(os.path.join(ROOT, 'flatpak', 'io.github.creneaux.Creneaux.json'),
              encoding='utf-8') as f:
        good = json.load(f)
    manifest = os.path.join(tmp, 'flatpak', 'm.json')

    def variant(change):
        m = json.loads(json.dumps(good))
        change(m)
        write(manifest, json.dumps(m))

    variant(lambda m: None)
    expect('flatpak: the project manifest passes', check + [manifest, 'default'], 0)
    expect('flatpak: the default manifest is not the Devel one',
           check + [manifest, 'development'], 1, 'app ID')
    variant(lambda m: m['finish-args'].append('--filesystem=home'))
    expect('flatpak: an extra permission', check + [manifest, 'default'], 1, '--filesystem=home')
    variant(lambda m: m.update(command='creneaux-gtk'))
    expect('flatpak: a command the project does not install', check + [manifest, 'default'], 1,
           'creneaux-gtk')
    variant(lambda m: m['modules'].pop(0))
    expect('flatpak: libsodium is not built', check + [manifest, 'default'], 1, 'libsodium')
    variant(lambda m: m['modules'][-1]['sources'][0].update(path='../src'))
    expect('flatpak: the app is not built from the source tree',
           check + [manifest, 'default'], 1, 'source tree')
    write(manifest, '{"id": "io.github.creneaux.Creneaux", ')
    expect('flatpak: flatpak-builder cannot parse the manifest',
           check + [manifest, 'default'], 1, '--show-manifest')


def settings_keys(tmp):
    app_id = 'io.github.creneaux.Creneaux'
    check = [PYTHON, os.path.join(HERE, 'check-settings-keys.py'), tmp, tmp, app_id]
    write(os.path.join(tmp, app_id + '.gschema.xml'),
          f'<schemalist><schema id="{app_id}" path="/io/github/creneaux/Creneaux/">'
          '<key name="window-width" type="i"><default>1</default></key>'
          '</schema></schemalist>\n')
    expect('gschema-keys: no compiled schema', check, 1, 'gschemas.compiled')
    subprocess.run(['glib-compile-schemas', tmp], check=True)
    write(os.path.join(tmp, 'src', 'w.c'),
          'g_settings_bind (settings, "window-width", self, "default-width", 0);\n')
    expect('gschema-keys: known keys pass', check, 0)
    write(os.path.join(tmp, 'src', 'w.c'),
          'g_settings_get_int (self->settings, "window-widht");\n')
    expect('gschema-keys: a key the schema lacks', check, 1, 'window-widht')
    write(os.path.join(tmp, 'src', 'w.c'), f's = g_settings_new ("{app_id}");\n')
    expect('gschema-keys: the schema opened by a literal ID', check, 1, 'literal')


def metainfo(tmp, appstreamcli):
    app_id = 'io.github.creneaux.Creneaux'
    with open(os.path.join(ROOT, 'data', app_id + '.metainfo.xml.in.in'), encoding='utf-8') as f:
        good = f.read().replace('@APP_ID@', app_id)
    with open(os.path.join(ROOT, 'data', app_id + '.desktop.in.in'), encoding='utf-8') as f:
        desktop_text = f.read().replace('@APP_ID@', app_id)
    info = os.path.join(tmp, app_id + '.metainfo.xml')
    desktop = os.path.join(tmp, app_id + '.desktop')
    icon = os.path.join(ROOT, 'data', 'icons', 'hicolor', 'scalable', 'apps', app_id + '.svg')
    check = [PYTHON, os.path.join(HERE, 'check-metainfo.py'), appstreamcli, info, desktop,
             icon, app_id]
    write(desktop, desktop_text)
    write(info, good)
    expect('appstream: the project metainfo passes', check, 0)
    write(info, good.replace('date="2026-11-22"', 'date="22/11/2026"'))
    expect('appstream: a warning (bad release date) fails', check, 1, 'W:')
    write(info, good.replace('.desktop</launchable>', '.Other.desktop</launchable>'))
    expect('appstream: the launchable desktop file is not installed', check, 1, 'W:')


def main():
    global ROOT
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    ROOT = os.path.abspath(sys.argv[1])
    flatpak_builder, appstreamcli = sys.argv[2], sys.argv[3]
    for run in (potfiles, fr_po, icons, settings_keys,
                lambda t: flatpak(t, flatpak_builder), lambda t: metainfo(t, appstreamcli)):
        with tempfile.TemporaryDirectory(prefix='crn-selftest-') as tmp:
            run(tmp)
    for failure in failures:
        print('not ok - ' + failure)
    print(f'{ran - len(failures)} of {ran} cases behave as expected.')
    return 1 if failures else 0


ROOT = None

if __name__ == '__main__':
    sys.exit(main())
