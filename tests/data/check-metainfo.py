#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validates the built AppStream metainfo with appstreamcli, offline.

Runs `appstreamcli validate --no-net` on the metainfo file, then `appstreamcli validate-tree
--no-net` on a staged install tree (the metainfo, the desktop file and the profile's icon where
`meson install` puts them), which also checks that the launchable desktop file exists and
matches. Fails on any error or warning. Infos are printed but allowed: AppStream 0.16
(Debian 12) reports the <developer> tag of AppStream 1.0 as unknown, which is expected.

Usage: check-metainfo.py APPSTREAMCLI METAINFO DESKTOP_FILE ICON APP_ID
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

ISSUE = re.compile(r'^\s*([EWIP]): \S')


def validate(argv):
    """Runs appstreamcli; returns (status, issues as (severity, line) pairs, output)."""
    result = subprocess.run(argv, capture_output=True, text=True)
    output = result.stdout + result.stderr
    issues = []
    for line in output.splitlines():
        match = ISSUE.match(line)
        if match:
            issues.append((match.group(1), line.strip()))
    return result.returncode, issues, output


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    appstreamcli, metainfo, desktop, icon, app_id = sys.argv[1:]
    status = 0

    with tempfile.TemporaryDirectory(prefix='crn-appstream-') as tree:
        share = os.path.join(tree, 'usr', 'share')
        placed = {
            metainfo: os.path.join(share, 'metainfo', app_id + '.metainfo.xml'),
            desktop: os.path.join(share, 'applications', app_id + '.desktop'),
            icon: os.path.join(share, 'icons', 'hicolor', 'scalable', 'apps', app_id + '.svg'),
        }
        for source, target in placed.items():
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)

        for what, argv in (
                ('validate', [appstreamcli, 'validate', '--no-net', '--explain', metainfo]),
                ('validate-tree', [appstreamcli, 'validate-tree', '--no-net', tree])):
            code, issues, output = validate(argv)
            print(f'appstreamcli {what}:\n{output.strip()}\n')
            blocking = [i for i in issues if i[0] in ('E', 'W')]
            if code != 0 or blocking:
                status = 1
                print(f'appstreamcli {what} found {len(blocking)} errors or warnings '
                      f'(status {code}):')
                for _, line in blocking:
                    print('  ' + line)
            if not issues and code != 0:
                status = 1

    return status


if __name__ == '__main__':
    sys.exit(main())
