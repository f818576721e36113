"""Stops a run whose pre-trained weights would leave the model's parameters unset."""
import fnmatch
import os.path as osp
import re
from typing import Iterator, List, Optional, Sequence, Tuple

import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import BaseLoop, CheckpointLoader

from ..runner.safe_load import load_checkpoint_file
from ...utils.model import unwrap_model

# parameters the backbones resize on load (position embeddings, relative position tables):
# only their channel / head dimension has to match
_RESIZED = re.compile(r'(^|\.)(pos_embed|relative_position_bias_table)$')
_BLOCK_TABLE = re.compile(r'layers\.\d+\.attn\.relative_position_bias_table')
_SHARED_TABLE = 'rel_pos_bias.relative_position_bias_table'
_SHOWN = 5


def _pretrained_inits(model: torch.nn.Module) -> Iterator[Tuple[str, torch.nn.Module, dict]]:
    """Each submodule with an ``init_cfg`` of type ``Pretrained``, with its name and config."""
    for name, module in model.named_modules():
        init_cfg = getattr(module, 'init_cfg', None)
        for cfg in init_cfg if isinstance(init_cfg, (list, tuple)) else [init_cfg]:
            if isinstance(cfg, dict) and cfg.get('type') == 'Pretrained' and cfg.get('checkpoint'):
                yield name, module, cfg


def unset_parameters(module: torch.nn.Module, state_dict: dict) -> List[str]:
    """Names of ``module``'s parameters, in its order, that loading ``state_dict`` (names
    relative to ``module``) leaves unset, as mmengine, mmpretrain and mmseg load (a leading
    ``module.`` stripped, ``strict=False``): a parameter is set by its name with its shape;
    position embeddings and relative position tables only need their last dimension to match
    (the backbones resize them), and a shared relative position table sets every block's
    (mmpretrain's ``BEiTViT`` expands it)."""
    provided = {re.sub(r'^module\.', '', str(key)): value for key, value in state_dict.items()
                if isinstance(value, torch.Tensor)}
    unset = []
    for name, param in module.named_parameters():
        value = provided.get(name)
        if value is None and _BLOCK_TABLE.fullmatch(name):
            value = provided.get(_SHARED_TABLE)
        if value is None or (value.shape != param.shape and not (
                _RESIZED.search(name) and value.shape[-1:] == param.shape[-1:])):
            unset.append(name)
    return unset


@HOOKS.register_module()
class PretrainedGuardHook(Hook):
    """Refuses, before any weight is initialised, pre-trained weights that do not fit.

    mmengine, mmpretrain and mmseg load ``load_from`` and ``init_cfg=dict(type='Pretrained')``
    with ``strict=False`` (mmseg's ``MAE`` does not even report what it skipped), so an
    unconverted official release silently trains from random weights. In ``before_run`` (so no
    resize is logged for weights that will not load) the hook reads the file as they will and
    stops the run when parameters stay unset beyond ``allowed_missing``, naming the file, the
    count, the first names and the converter that fits the config: ``load_from`` against the
    whole model, else, in training, each ``Pretrained`` ``init_cfg`` against its module. Resumed
    runs are left to the resume checks. In mmengine's root registry, for mmpretrain and mmseg.

    Args:
        allowed_missing: ``fnmatch`` patterns of parameters, named from the model (e.g.
            ``'backbone.ln2.*'``, a new norm of the fine-tuning recipe), that may stay unset.
    """

    priority = 'HIGH'  # after SafeCheckpointHook (VERY_HIGH), which installs the safe loader

    def __init__(self, allowed_missing: Sequence[str] = ()) -> None:
        if isinstance(allowed_missing, str) or not all(
                isinstance(pattern, str) for pattern in allowed_missing):
            raise TypeError('PretrainedGuardHook: allowed_missing must be a list of name '
                            f'patterns, got {allowed_missing!r}')
        self.allowed_missing = list(allowed_missing)

    def before_run(self, runner) -> None:
        """Checks ``load_from`` or every ``Pretrained`` ``init_cfg``."""
        if runner._resume:
            return
        model = unwrap_model(runner.model)
        scope = runner.cfg.get('default_scope') or 'mmpretrain'
        if runner._load_from is not None:
            self._check(model, '', runner._load_from, None, scope)
            return
        if not isinstance(runner._train_loop, BaseLoop):  # test / val: no init_weights
            return
        for name, module, cfg in _pretrained_inits(model):
            self._check(module, name, cfg['checkpoint'], cfg.get('prefix'), scope)

    def _check(self, module: torch.nn.Module, name: str, path: str, prefix: Optional[str],
               scope: str) -> None:
        """Raises when loading ``path`` (keys under ``prefix``) leaves ``module`` unset."""
        checkpoint = (load_checkpoint_file(path, map_location='cpu') if osp.isfile(path) else
                      CheckpointLoader.load_checkpoint(path, map_location='cpu'))
        state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) \
            else {}
        if prefix:
            prefix = prefix if prefix.endswith('.') else prefix + '.'
            state_dict = {key[len(prefix):]: value for key, value in state_dict.items()
                          if str(key).startswith(prefix)}
        full = [f'{name}.{param}' if name else param
                for param in unset_parameters(module, state_dict)]
        unset = [param for param in full if not any(
            fnmatch.fnmatchcase(param, pattern) for pattern in self.allowed_missing)]
        if not unset:
            return
        total = sum(1 for _ in module.named_parameters())
        where = f'model.{name}' if name else 'the model'
        converter = (f'mfm2mmseg.py {path} OUT --img-size CROP' if scope == 'mmseg' else
                     f'mfm2mmpretrain.py {path} OUT')
        raise RuntimeError(
            f'{path} leaves {len(unset)} of {total} parameters of {where} '
            f'({type(module).__name__}) unset: {", ".join(unset[:_SHOWN])}'
            f'{", ..." if len(unset) > _SHOWN else ""}. If it is an official MFM / ConMIM / MAE '
            f'release, convert it first: python tools/model_converters/{converter} and point '
            'the config at OUT; weights of another architecture do not fit this config')
