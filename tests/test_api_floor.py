"""A cheap guard for the supported floor (torch 2.0, numpy 1.24) that CI runs on every stack:
no unguarded use of an API that only newer torch / numpy have comes back into the code.
(`make test-torch2.1` runs the fast suite on the real older stack.)"""
import ast
import glob
import os.path as osp

import pytest

from conftest import REPO

# dotted names that exist only in newer releases than the supported floor
NEWER_APIS = {
    'torch.serialization.add_safe_globals': 'torch 2.4',
    'torch.serialization.safe_globals': 'torch 2.5',
    'torch.serialization.get_safe_globals': 'torch 2.5',
    'torch.nn.attention': 'torch 2.2',
    'torch.amp.GradScaler': 'torch 2.3',
    'torch.library.custom_op': 'torch 2.4',
    'np._core': 'numpy 2.0',
    'numpy._core': 'numpy 2.0',
}
SOURCES = sorted(glob.glob(osp.join(REPO, 'mfm_mm', '**', '*.py'), recursive=True) +
                 glob.glob(osp.join(REPO, 'tools', '**', '*.py'), recursive=True))


def dotted(node: ast.AST) -> str:
    """``a.b.c`` for an attribute chain, '' for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return '.'.join([node.id] + parts[::-1])
    return ''


def newer_api_uses(source: str) -> list:
    """Sorted ``(line, api, release)`` of every use of a name in ``NEWER_APIS``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Attribute):
            names.append(dotted(node))
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [f'{node.module}.{alias.name}' for alias in node.names] + [node.module]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        for name in names:
            for api, release in NEWER_APIS.items():
                if name == api or name.startswith(api + '.'):
                    found.add((node.lineno, api, release))
    return sorted(found)


def test_the_guard_finds_what_it_looks_for():
    code = ('import numpy as np\nimport torch\nx = np._core.multiarray\n'
            'torch.serialization.add_safe_globals([])\nfrom torch.nn.attention import sdpa_kernel\n')
    assert [(line, api) for line, api, _ in newer_api_uses(code)] == [
        (3, 'np._core'), (4, 'torch.serialization.add_safe_globals'), (5, 'torch.nn.attention')]


@pytest.mark.parametrize('path', SOURCES, ids=lambda p: osp.relpath(p, REPO))
def test_no_api_newer_than_the_floor(path):
    with open(path, encoding='utf-8') as f:
        uses = newer_api_uses(f.read())
    assert not uses, '; '.join(f'{osp.relpath(path, REPO)}:{line} uses {api} ({release}+)'
                               for line, api, release in uses)
