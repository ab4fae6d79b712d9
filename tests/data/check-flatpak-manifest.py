#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that a Flatpak manifest matches the Meson project it builds.

Reads the manifest as `flatpak-builder --show-manifest` prints it (it is run with
G_DEBUG=fatal-warnings, so any warning of the parser fails too) and the project's meson.build
files, and fails when:
- the app ID is not the project's application ID for PROFILE (meson.build's application_id,
  with the .Devel suffix for the development profile);
- the command is not an executable that the project installs;
- the last module is not the project built with meson from the source tree (a 'dir' source
  that points at the directory holding meson.build), with -Dprofile=PROFILE;
- the runtime is not org.gnome.Platform with the matching org.gnome.Sdk;
- finish-args ask for more or less than network, IPC, Wayland with X11 fallback and DRI;
- a library the project depends on is neither shipped by the GNOME runtime nor built by a
  module, or an archive source has no sha256.
Prints each problem.

Usage: check-flatpak-manifest.py FLATPAK_BUILDER SOURCE_ROOT MANIFEST PROFILE
"""

import json
import os
import re
import subprocess
import sys
import tempfile

FINISH_ARGS = {
    '--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11',
    '--device=dri',
}

# pkg-config names that org.gnome.Platform ships (with freedesktop-sdk under it).
RUNTIME_LIBRARIES = {
    'glib-2.0', 'gio-2.0', 'gio-unix-2.0', 'gobject-2.0', 'gmodule-2.0', 'gthread-2.0',
    'gtk4', 'libadwaita-1', 'libsoup-3.0', 'libsecret-1', 'sqlite3', 'json-glib-1.0',
    'cairo', 'pango', 'pangocairo', 'gdk-pixbuf-2.0', 'libxml-2.0', 'zlib', 'icu-uc',
    'icu-i18n', 'openssl', 'gnutls', 'libcurl', 'systemd',
}

# How a pkg-config name maps to the module that builds it in a manifest.
MODULE_FOR_LIBRARY = {
    'libsodium': 'libsodium',
    'libical': 'libical',
    'libical-glib': 'libical',
}

MESON_DEPENDENCY = re.compile(r"""\bdependency\s*\(\s*['"]([^'"]+)['"]""")
MESON_EXECUTABLE = re.compile(r"""\bexecutable\s*\(\s*['"]([^'"]+)['"](.*?)\)\s*$""",
                              re.DOTALL | re.MULTILINE)
MESON_APP_ID = re.compile(r"""^\s*application_id\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)
MESON_PROJECT = re.compile(r"""\bproject\s*\(\s*['"]([^'"]+)['"]""")


def strip_meson_comments(text):
    return re.sub(r"#[^\n]*", '', text)


def project_files(root):
    """The meson.build files that make the installed program: the top one and src/."""
    files = [os.path.join(root, 'meson.build')]
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, 'src')):
        dirnames.sort()
        if 'meson.build' in filenames:
            files.append(os.path.join(dirpath, 'meson.build'))
    return files


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    flatpak_builder, root = sys.argv[1], os.path.abspath(sys.argv[2])
    manifest_file, profile = os.path.abspath(sys.argv[3]), sys.argv[4]
    problems = []

    env = dict(os.environ, G_DEBUG='fatal-warnings')
    # flatpak-builder makes its .flatpak-builder state directory in the working directory even
    # to print a manifest (and --show-manifest takes no --state-dir): run it in a temporary one.
    with tempfile.TemporaryDirectory(prefix='crn-flatpak-') as work_dir:
        shown = subprocess.run([flatpak_builder, '--show-manifest', manifest_file],
                               capture_output=True, text=True, env=env, cwd=work_dir)
    if shown.returncode != 0:
        print(f'flatpak-builder --show-manifest {manifest_file} failed '
              f'(status {shown.returncode}):\n{shown.stderr}')
        return 1
    try:
        manifest = json.loads(shown.stdout)
    except json.JSONDecodeError as e:
        print(f'flatpak-builder --show-manifest printed no JSON: {e}')
        return 1

    top = strip_meson_comments(read(os.path.join(root, 'meson.build')))
    project = MESON_PROJECT.search(top)
    app_ids = MESON_APP_ID.findall(top)
    if not project or not app_ids:
        print('meson.build has no project() or no application_id: cannot compare.')
        return 1
    project_name = project.group(1)
    app_id = app_ids[0] + ('.Devel' if profile == 'development' else '')
    if app_id not in app_ids:
        problems.append(f'meson.build does not set application_id to {app_id} for the '
                        f'{profile} profile (it knows {", ".join(app_ids)})')

    dependencies = set()
    installed_executables = set()
    for path in project_files(root):
        text = strip_meson_comments(read(path))
        dependencies.update(MESON_DEPENDENCY.findall(text))
        for match in MESON_EXECUTABLE.finditer(text):
            if re.search(r'\binstall\s*:\s*true\b', match.group(2)):
                installed_executables.add(match.group(1))

    manifest_id = manifest.get('id') or manifest.get('app-id')
    if manifest_id != app_id:
        problems.append(f'app ID is {manifest_id!r}, the {profile} profile builds {app_id!r}')
    if manifest.get('runtime') != 'org.gnome.Platform':
        problems.append(f'runtime is {manifest.get("runtime")!r}, not org.gnome.Platform')
    if manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append(f'sdk is {manifest.get("sdk")!r}, not org.gnome.Sdk')
    if not manifest.get('runtime-version'):
        problems.append('no runtime-version')

    command = manifest.get('command')
    if installed_executables:
        if command not in installed_executables:
            problems.append(f'command {command!r} is not an executable the project installs '
                            f'({", ".join(sorted(installed_executables))})')
    elif command != project_name:
        problems.append(f'command {command!r} is not the project name {project_name!r} '
                        '(and no installed executable was found to compare with)')

    finish_args = manifest.get('finish-args', [])
    extra = sorted(set(finish_args) - FINISH_ARGS)
    lacking = sorted(FINISH_ARGS - set(finish_args))
    if extra:
        problems.append('finish-args grant more than needed: ' + ' '.join(extra))
    if lacking:
        problems.append('finish-args lack: ' + ' '.join(lacking))

    modules = [m for m in manifest.get('modules', []) if isinstance(m, dict)]
    if not modules:
        problems.append('no modules')
        modules = [{}]
    app_module = modules[-1]
    if app_module.get('name') != project_name:
        problems.append(f'the last module is {app_module.get("name")!r}, not {project_name!r}')
    if app_module.get('buildsystem') != 'meson':
        problems.append(f'{project_name} is not built with meson '
                        f'(buildsystem {app_module.get("buildsystem")!r})')
    dir_sources = [s for s in app_module.get('sources', []) if s.get('type') == 'dir']
    manifest_dir = os.path.dirname(manifest_file)
    if not any(os.path.realpath(os.path.join(manifest_dir, s.get('path', '')))
               == os.path.realpath(root) for s in dir_sources):
        problems.append(f'{project_name} is not built from the source tree: no "dir" source '
                        f'whose path leads from {os.path.relpath(manifest_dir, root)}/ to '
                        'the directory of meson.build')
    opts = app_module.get('config-opts', [])
    profiles = [o.split('=', 1)[1] for o in opts if o.startswith('-Dprofile=')]
    if profiles != [profile] and not (profile == 'default' and not profiles):
        problems.append(f'config-opts select profile {profiles or ["default"]}, '
                        f'not {profile!r}')

    module_names = {m.get('name') for m in modules[:-1]}
    for dependency in sorted(dependencies):
        if dependency in RUNTIME_LIBRARIES:
            continue
        wanted = MODULE_FOR_LIBRARY.get(dependency, dependency)
        if wanted not in module_names:
            problems.append(f'the project uses {dependency!r}, which org.gnome.Platform does '
                            f'not ship, and no module builds it')
    used_modules = {MODULE_FOR_LIBRARY.get(d, d) for d in dependencies}
    for name in sorted(module_names - used_modules):
        print(f'note: module {name!r} builds a library that no meson.build uses yet')

    for module in modules:
        for source in module.get('sources', []):
            if source.get('type') in ('archive', 'file') and 'url' in source:
                if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
                    problems.append(f'module {module.get("name")!r}: source {source["url"]} '
                                    'has no valid sha256')
                if not source['url'].startswith('https://'):
                    problems.append(f'module {module.get("name")!r}: source {source["url"]} '
                                    'is not fetched over https')

    if problems:
        print(f'{os.path.relpath(manifest_file, root)}:')
        for problem in problems:
            print('  ' + problem)
        return 1
    print(f'{os.path.relpath(manifest_file, root)} matches the meson project: {app_id}, '
          f'command {command}, {len(modules)} modules.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
