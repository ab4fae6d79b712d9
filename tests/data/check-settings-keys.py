#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the compiled GSettings schema against the code that reads it.

Asks `gsettings --schemadir SCHEMA_DIR` (the build's data directory, where the schema is
compiled at build time) for the schema APP_ID, then looks through the C sources under
SOURCE_ROOT/src for the keys they use (g_settings_get_*, _set_*, _bind*, _create_action,
_reset, ... with a literal key). Fails when the schema is missing from the compiled
directory, when the code uses a key that the schema lacks (GLib aborts on those at run time),
or when the code opens the application's schema by a literal ID instead of APPLICATION_ID
(which would break the development profile). Keys of other schemas that the code opens by
their literal ID (org.gnome.desktop.interface, say) are looked up in the system's schemas.
Keys that no code uses yet are listed as notes.

Usage: check-settings-keys.py SOURCE_ROOT SCHEMA_DIR APP_ID
"""

import os
import re
import subprocess
import sys

KEY_USE = re.compile(
    r'\bg_settings_(?!new\b|new_)(\w+)\s*\(\s*[^,;()]+(?:\([^()]*\))?[^,;()]*,\s*"([^"]+)"')
LITERAL_SCHEMA = re.compile(r'\bg_settings_new(?:_\w+)?\s*\(\s*"([^"]+)"')
COMMENTS = re.compile(r'//[^\n]*|/\*.*?\*/', re.DOTALL)


def gsettings(schema_dir, *args):
    env = dict(os.environ)
    env.pop('GSETTINGS_SCHEMA_DIR', None)
    env['GSETTINGS_BACKEND'] = 'memory'
    argv = ['gsettings'] + (['--schemadir', schema_dir] if schema_dir else []) + list(args)
    return subprocess.run(argv, capture_output=True, text=True, env=env)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    root, schema_dir, app_id = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]

    if not os.path.isfile(os.path.join(schema_dir, 'gschemas.compiled')):
        print(f'{schema_dir} has no gschemas.compiled: the schema is not compiled at build time.')
        return 1
    schemas = gsettings(schema_dir, 'list-schemas')
    if app_id not in schemas.stdout.split():
        print(f'The compiled schemas in {schema_dir} do not include {app_id} '
              f'(found: {" ".join(schemas.stdout.split()) or "none"}).')
        return 1
    keys = set(gsettings(schema_dir, 'list-keys', app_id).stdout.split())

    used = {}
    literal_ids = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, 'src')):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(('.c', '.h')):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding='utf-8', errors='replace') as f:
                text = COMMENTS.sub(' ', f.read())
            rel = os.path.relpath(path, root)
            for match in KEY_USE.finditer(text):
                used.setdefault(match.group(2), set()).add(rel)
            for match in LITERAL_SCHEMA.finditer(text):
                literal_ids.append((rel, match.group(1)))

    app_prefix = app_id.removesuffix('.Devel')
    own_literals = [(rel, i) for rel, i in literal_ids if i.startswith(app_prefix)]
    foreign_keys = set()
    for schema_id in sorted({i for _, i in literal_ids if not i.startswith(app_prefix)}):
        foreign_keys.update(gsettings(None, 'list-keys', schema_id).stdout.split())

    status = 0
    unknown = sorted(k for k in used if k not in keys and k not in foreign_keys)
    if unknown:
        status = 1
        print(f'Keys used by the code but missing from the schema {app_id}:')
        for key in unknown:
            print(f'  {key} ({", ".join(sorted(used[key]))})')
    if own_literals:
        status = 1
        print('The application schema opened by a literal ID instead of APPLICATION_ID:')
        for rel, schema_id in own_literals:
            print(f'  {rel}: "{schema_id}"')
    for key in sorted(keys - set(used)):
        print(f'note: no code uses the key {key} yet')
    if status == 0:
        print(f'{app_id}: {len(keys)} keys compiled; the code uses {len(used)}, all present.')
    return status


if __name__ == '__main__':
    sys.exit(main())
