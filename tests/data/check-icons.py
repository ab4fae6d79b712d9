#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the application icons under SOURCE_ROOT/data/icons/hicolor.

For both profiles (io.github.creneaux.Creneaux and its .Devel variant) the full-colour
scalable icon must exist, parse as SVG with a 128x128 viewBox, and be self-contained (no
<text>, which depends on installed fonts; no raster <image>; no reference to another file).
The symbolic icon must parse with a 16x16 viewBox and be recolourable by GTK: shapes filled
with a single colour, no strokes (GTK recolours fills only), no gradients or patterns.

Usage: check-icons.py SOURCE_ROOT
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'
XLINK_HREF = '{http://www.w3.org/1999/xlink}href'
APP_IDS = ('io.github.creneaux.Creneaux', 'io.github.creneaux.Creneaux.Devel')
SHAPES = {'path', 'rect', 'circle', 'ellipse', 'polygon', 'polyline', 'line'}


def style_of(element):
    """The presentation attributes of ELEMENT, with its style="" declarations on top."""
    props = {k: v for k, v in element.attrib.items() if not k.startswith('{')}
    for decl in element.attrib.get('style', '').split(';'):
        if ':' in decl:
            name, value = decl.split(':', 1)
            props[name.strip()] = value.strip()
    return props


def parse(path, problems):
    try:
        return ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        problems.append(f'{path}: {e}')
        return None


def check_self_contained(rel, root, problems):
    for element in root.iter():
        tag = element.tag.replace(SVG, '')
        if tag == 'text':
            problems.append(f'{rel}: has <text>, which renders with whatever font is installed')
        if tag == 'image':
            problems.append(f'{rel}: embeds a raster <image>')
        href = element.attrib.get(XLINK_HREF) or element.attrib.get('href') or ''
        if href and not href.startswith('#'):
            problems.append(f'{rel}: refers to {href}')
        for value in style_of(element).values():
            for ref in re.findall(r'url\(([^)]*)\)', value):
                if not ref.strip('\'" ').startswith('#'):
                    problems.append(f'{rel}: refers to {ref}')


def check_view_box(rel, root, size, problems):
    if root.tag != SVG + 'svg':
        problems.append(f'{rel}: the root element is {root.tag}, not an SVG <svg>')
        return
    box = root.attrib.get('viewBox', '').replace(',', ' ').split()
    if box != ['0', '0', str(size), str(size)]:
        problems.append(f'{rel}: viewBox is {root.attrib.get("viewBox")!r}, '
                        f'not "0 0 {size} {size}"')


def check_symbolic(rel, root, problems):
    colours = set()
    for element in root.iter():
        tag = element.tag.replace(SVG, '')
        if tag in ('linearGradient', 'radialGradient', 'pattern', 'filter', 'mask'):
            problems.append(f'{rel}: uses <{tag}>, which a symbolic icon cannot recolour')
        props = style_of(element)
        stroke = props.get('stroke')
        if stroke and stroke != 'none':
            problems.append(f'{rel}: <{tag}> has a stroke; GTK recolours fills only')
        if tag in SHAPES:
            fill = props.get('fill')
            if fill is None:
                # inherited from a group, or black by default
                parent_fill = None
                for group in root.iter():
                    if element in list(group):
                        parent_fill = style_of(group).get('fill')
                fill = parent_fill or '#000000'
            if fill != 'none':
                colours.add(fill.lower())
    if len(colours) > 1:
        problems.append(f'{rel}: uses {len(colours)} colours ({", ".join(sorted(colours))}); '
                        'a symbolic icon has one')
    if not colours:
        problems.append(f'{rel}: draws nothing')


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    top = os.path.abspath(sys.argv[1])
    base = os.path.join(top, 'data', 'icons', 'hicolor')
    problems = []
    checked = 0

    for app_id in APP_IDS:
        rel = os.path.join('scalable', 'apps', app_id + '.svg')
        path = os.path.join(base, rel)
        if not os.path.isfile(path):
            problems.append(f'{rel}: missing')
            continue
        root = parse(path, problems)
        if root is not None:
            check_view_box(rel, root, 128, problems)
            check_self_contained(rel, root, problems)
            checked += 1

    rel = os.path.join('symbolic', 'apps', APP_IDS[0] + '-symbolic.svg')
    path = os.path.join(base, rel)
    if not os.path.isfile(path):
        problems.append(f'{rel}: missing')
    else:
        root = parse(path, problems)
        if root is not None:
            check_view_box(rel, root, 16, problems)
            check_self_contained(rel, root, problems)
            check_symbolic(rel, root, problems)
            checked += 1

    if problems:
        for problem in problems:
            print(problem)
        return 1
    print(f'{checked} icons checked.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
