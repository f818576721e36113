"""Each compatibility fix is applied exactly when its condition holds, and importing
``mfm_mm`` changes nothing outside the registries on a stack that needs no fix."""
import importlib.util
import json
import subprocess
import sys
import warnings

import pytest

from conftest import REPO
from mfm_mm import compat


def fresh_python_prints(code: str) -> str:
    """What ``code`` prints in an interpreter that has not imported ``mfm_mm``."""
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    return out.stdout.strip()


def scipy_lacks_interp2d() -> bool:
    return fresh_python_prints(
        'import warnings; warnings.simplefilter("ignore")\n'
        'from scipy import interpolate\n'
        'try:\n    interpolate.interp2d([0, 1], [0, 1], [[0, 0], [0, 0]])\n'
        'except NotImplementedError:\n    print("removed")\n') == 'removed'


def torchvision_fails_to_import() -> bool:
    return fresh_python_prints(
        'try:\n    import torchvision\nexcept RuntimeError as err:\n    print(err)\n'
    ).endswith('does not exist')


def test_applied_fixes_match_their_conditions():
    expected = set()
    if importlib.util.find_spec('mmcv._ext') is None:
        expected.update({'mmcv-lite-ops', 'mmcv-lite-quiet-transformer'})
    if scipy_lacks_interp2d():
        expected.add('scipy-interp2d')
    if torchvision_fails_to_import():
        expected.add('torchvision-cpu-schemas')
    assert set(compat.APPLIED) == expected


def test_interp2d_is_kept_where_scipy_has_it(monkeypatch):
    from scipy import interpolate

    def working_interp2d(x, y, z, kind='linear'):
        return lambda xx, yy: 0.0

    monkeypatch.setattr(interpolate, 'interp2d', working_interp2d, raising=False)
    monkeypatch.setattr(compat, 'APPLIED', [])
    compat.patch_scipy_interp2d()
    assert interpolate.interp2d is working_interp2d and compat.APPLIED == []


def test_mmcv_ops_stand_in_only_without_compiled_ops(monkeypatch):
    if 'mmcv-lite-ops' not in compat.APPLIED:
        pytest.skip('full mmcv installed: nothing to stand in for')
    monkeypatch.setattr(compat, 'APPLIED', [])
    monkeypatch.delitem(sys.modules, 'mmcv.ops')  # restored after the test
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(  # as if mmcv's compiled ops were installed
        importlib.util, 'find_spec',
        lambda name, *a: object() if name == 'mmcv._ext' else real_find_spec(name, *a))
    compat.patch_mmcv_ops()
    assert 'mmcv.ops' not in sys.modules and compat.APPLIED == []


def test_torchvision_and_mmseg_import():
    import torch
    import torchvision.transforms.functional as F
    from mmseg.models.decode_heads import UPerHead
    assert F.hflip(torch.arange(3.).view(1, 1, 3)).flatten().tolist() == [2., 1., 0.]
    assert UPerHead.__module__ == 'mmseg.models.decode_heads.uper_head'


def test_missing_compiled_op_fails_clearly():
    import mmcv.ops
    if 'mmcv-lite-ops' not in compat.APPLIED:
        pytest.skip('full mmcv installed')
    with pytest.raises(ModuleNotFoundError, match='mmcv.ops.nms_rotated needs the compiled'):
        mmcv.ops.nms_rotated  # noqa: B018


# Runs in a fresh interpreter: records what OpenMMLab users' processes rely on, imports
# mfm_mm, and records it again.
def snapshot_script(import_mfm: bool) -> str:
    return r'''
import json
import torch, matplotlib
from mmengine.fileio.backends import LocalBackend
from mmengine.runner import CheckpointLoader
def state():
    safe = getattr(torch.serialization, 'get_safe_globals', lambda: [])()
    # torch allow-lists its own classes as its submodules load; anything else is foreign
    safe = sorted(str(g) for g in safe
                  if not getattr(g[0] if isinstance(g, tuple) else g, '__module__',
                                 'torch').startswith('torch'))
    return dict(schemes={k: f'{v.__module__}.{v.__qualname__}'
                         for k, v in CheckpointLoader._schemes.items()},
                put=LocalBackend.put.__module__, put_text=LocalBackend.put_text.__module__,
                set_device=torch.cuda.set_device.__module__,
                backend=matplotlib.get_backend(), safe_globals=safe,
                load=torch.load.__module__)
before = state()
if %s:
    import mfm_mm  # noqa: F401
    from mfm_mm import compat
    applied = compat.APPLIED
else:
    applied = []
print(json.dumps(dict(before=before, after=state(), applied=applied)))
''' % import_mfm


def test_import_changes_nothing_outside_the_registries():
    out = subprocess.run([sys.executable, '-c', snapshot_script(True)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result['after'] == result['before']
    # nothing of mmengine, torch, scipy or matplotlib is in the fix list
    assert set(result['applied']) <= {'torchvision-cpu-schemas', 'mmcv-lite-ops',
                                      'mmcv-lite-quiet-transformer', 'scipy-interp2d'}


def test_mmcv_lite_deformable_attention_warning_is_filtered_at_its_import_only():
    if 'mmcv-lite-ops' not in compat.APPLIED:
        pytest.skip('full mmcv installed: mmcv does not warn')
    code = ('import warnings\n'
            'import mfm_mm, mmpretrain.models  # noqa\n'
            'assert not [f for f in warnings.filters if "Deformable" in str(f[1])]\n'
            'warnings.warn("a later UserWarning")\n')
    out = subprocess.run([sys.executable, '-c', code], cwd=REPO, capture_output=True,
                         text=True, check=True)
    assert 'MultiScaleDeformableAttention' not in out.stderr
    assert 'UserWarning: a later UserWarning' in out.stderr
    plain = subprocess.run([sys.executable, '-c', 'import mmcv.cnn.bricks.transformer'],
                           capture_output=True, text=True, check=True)
    assert 'Fail to import ``MultiScaleDeformableAttention``' in plain.stderr


def test_interp2d_stand_in_reproduces_polynomials_on_grids():
    import numpy as np
    x = np.arange(-3., 4.)
    y = np.arange(-2., 3.)
    exact = lambda xx, yy: xx**3 - 2 * yy**2 + xx * yy  # noqa: E731
    z = exact(x[None, :], y[:, None])  # (len(y), len(x)), as interp2d takes it
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        f = compat.GridInterp2d(x, y, z, kind='cubic')
    x_new, y_new = np.linspace(-3, 3, 13), np.linspace(-2, 2, 9)
    np.testing.assert_allclose(f(x_new, y_new), exact(x_new[None, :], y_new[:, None]),
                               atol=1e-9)
    assert f(x_new, y_new).shape == (9, 13)
