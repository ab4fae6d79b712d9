#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks po/POTFILES.in against the sources.

Fails when a file under src/ or resources/ holds translatable strings (_(), N_(), C_(), NC_(),
ngettext/g_dngettext, or translatable="yes" in GtkBuilder XML) but is missing from
po/POTFILES.in, when a data template that carries translations (desktop file, metainfo,
GSettings schema) is missing, or when POTFILES.in lists a file that does not exist. Prints
each offending path. A POTFILES.in that is not sorted is reported but does not fail.

Usage: check-potfiles.py SOURCE_ROOT
"""

import os
import re
import sys

SOURCE_DIRS = ('src', 'resources')
SOURCE_EXTENSIONS = ('.c', '.h', '.ui', '.xml')
DATA_PATTERNS = (
    re.compile(r'.*\.desktop\.in(\.in)?$'),
    re.compile(r'.*\.(metainfo|appdata)\.xml\.in(\.in)?$'),
    re.compile(r'.*\.gschema\.xml(\.in)?$'),
)

# A gettext call: _ ( , N_ ( , C_ ( , NC_ ( , ngettext ( , g_dngettext ( ... not preceded by
# an identifier character, so that foo_ ( or crn_ ( do not count.
C_MARKERS = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2|g_dcgettext)\s*\(')
XML_MARKER = re.compile(r'\btranslatable\s*=\s*["\'](?:yes|true|1)["\']', re.IGNORECASE)

# C comments and string literals are blanked before looking for markers, so that a comment
# saying "wrap strings in _()" does not make a file translatable.
C_NOISE = re.compile(
    r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])+\'', re.DOTALL)


def strip_c_noise(text):
    def blank(match):
        token = match.group(0)
        if token.startswith('"'):
            return '""'
        if token.startswith("'"):
            return "' '"
        return '\n' * token.count('\n') or ' '
    return C_NOISE.sub(blank, text)


def has_translatable_strings(path):
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if path.endswith(('.ui', '.xml')):
        return bool(XML_MARKER.search(text))
    return bool(C_MARKERS.search(strip_c_noise(text)))


def read_potfiles(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append(line)
    return entries


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    potfiles_path = os.path.join(root, 'po', 'POTFILES.in')
    listed = read_potfiles(potfiles_path)
    listed_set = set(listed)

    wanted = set()
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for name in filenames:
                if not name.endswith(SOURCE_EXTENSIONS):
                    continue
                full = os.path.join(dirpath, name)
                if has_translatable_strings(full):
                    wanted.add(os.path.relpath(full, root))
    data_dir = os.path.join(root, 'data')
    if os.path.isdir(data_dir):
        for name in os.listdir(data_dir):
            if any(p.match(name) for p in DATA_PATTERNS):
                wanted.add(os.path.join('data', name))

    missing = sorted(wanted - listed_set)
    stale = sorted(p for p in listed_set if not os.path.isfile(os.path.join(root, p)))
    duplicates = sorted({p for p in listed if listed.count(p) > 1})

    status = 0
    if missing:
        status = 1
        print('Files with translatable strings missing from po/POTFILES.in:')
        for p in missing:
            print('  ' + p)
    if stale:
        status = 1
        print('po/POTFILES.in lists files that do not exist:')
        for p in stale:
            print('  ' + p)
    if duplicates:
        status = 1
        print('po/POTFILES.in lists files more than once:')
        for p in duplicates:
            print('  ' + p)
    if listed != sorted(listed):
        print('note: po/POTFILES.in is not sorted (sort it with: LC_ALL=C sort)')
    if status == 0:
        print(f'po/POTFILES.in lists all {len(wanted)} files with translatable strings '
              f'({len(listed)} entries).')
    return status


if __name__ == '__main__':
    sys.exit(main())
