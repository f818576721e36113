"""Compares a project MFM pre-training config with the official MFM code, part by part.

    python tools/analysis_tools/recipe_diff.py OFFICIAL_TREE --method mfm --model vit_base

OFFICIAL_TREE is a checkout of github.com/Jiahao000/MFM; the official code needs timm 0.4.12
and yacs importable (e.g. ``pip install --no-deps --target /tmp/timm412 timm==0.4.12 yacs`` and
``PYTHONPATH=/tmp/timm412``). Both models are built in this process on the CPU and compared:

1. init: std of every parameter of a fresh model, grouped by kind and depth;
2. optimizer: lr and weight decay of every parameter, AdamW settings;
3. schedule: the lr at every iteration (official: timm's scheduler as the official loop steps
   it; project: the config's param_scheduler as mmengine's Runner steps it);
4. one train step: the official weights copied into the project model, the same images and
   masks; loss and every gradient.
"""
import argparse
import logging
import os.path as osp
import re
import sys
from collections import defaultdict
from typing import Dict, List, Tuple

import numpy as np
import torch

import mfm_mm  # noqa: F401  registers the project's modules
from mfm_mm.engine.schedulers import lr_curve
from mfm_mm.apis.convert_weights import from_official

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MODELS = {  # --model: (official yaml, project config)
    'vit_base': ('configs/vit_base/mfm_pretrain__vit_base__img224__300ep.yaml',
                 'configs/mfm_vit-b_300e.py'),
    'vit_small': ('configs/vit_small/mfm_pretrain__vit_small__img224__300ep.yaml',
                  'configs/mfm_vit-s_300e.py'),
    'resnet50': ('configs/resnet50/mfm_pretrain__resnet50__img224__300ep.yaml',
                 'configs/mfm_resnet50_300e.py'),
}
TOTAL_BATCH = 2048
IMAGENET_TRAIN = 1281167


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('official_tree', help='checkout of github.com/Jiahao000/MFM')
    parser.add_argument('--method', default='mfm', choices=['mfm'])
    parser.add_argument('--model', default='vit_base', choices=sorted(MODELS))
    parser.add_argument('--batch', type=int, default=2, help='images of the train step')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args()


def official_parts(tree: str, yaml: str):
    """The official config (lr scaled to the total batch as main_mfm.py does) and model."""
    sys.path.insert(0, tree)
    try:
        from config import get_custom_config
        from models import build_model
    except ImportError as error:
        sys.exit(f'cannot import the official code from {tree} ({error}); it needs timm==0.4.12 '
                 'and yacs (see this script\'s docstring)')
    config = get_custom_config(osp.join(tree, yaml))
    config.defrost()
    scale = TOTAL_BATCH / 512.0
    config.TRAIN.BASE_LR *= scale
    config.TRAIN.WARMUP_LR *= scale
    config.TRAIN.MIN_LR *= scale
    config.freeze()
    return config, build_model(config, is_pretrain=True)


def project_model(cfg):
    from mmpretrain.registry import MODELS as REGISTRY
    model_cfg = dict(cfg.model, data_preprocessor=cfg.data_preprocessor)
    if model_cfg['backbone'].get('norm_cfg', {}).get('type') == 'SyncBN':
        model_cfg['backbone']['norm_cfg'] = dict(type='BN')  # one process: same init and maths
    model = REGISTRY.build(model_cfg)
    model.init_weights()
    return model


def official_to_project_names(official: torch.nn.Module) -> Dict[str, str]:
    """Official parameter name -> project name (the project's converter, plus the decoder)."""
    names = {}
    encoder = {key: value for key, value in official.state_dict().items()
               if key.startswith('encoder.')}
    release = from_official(encoder, 'this model')
    by_tensor = {id(value): key for key, value in release.backbone.items()}
    for key, value in encoder.items():
        if id(value) in by_tensor:
            names[key] = 'backbone.' + by_tensor[id(value)]
    names['decoder.0.weight'] = 'neck.decoder.0.weight'
    names['decoder.0.bias'] = 'neck.decoder.0.bias'
    return names


def kind_and_depth(name: str) -> Tuple[str, str]:
    match = re.search(r'layers\.(\d+)\.', name)
    depth = str(int(match.group(1)) + 1) if match else '-'
    kind = re.sub(r'layers\.\d+\.', '', name.replace('backbone.', ''))
    kind = re.sub(r'layer\d\.\d+\.', 'block.', kind)
    return kind, depth


def compare_init(official, project, names) -> List[str]:
    project_params = dict(project.named_parameters())
    groups = defaultdict(list)
    for name, param in official.named_parameters():
        if name in names and param.dim() > 0 and param.numel() > 1:
            ours = project_params[names[name]]
            groups[kind_and_depth(names[name])].append((param.std().item(), ours.std().item()))
    lines, worst = [], 1.0
    for (kind, depth), pairs in sorted(groups.items()):
        off, ours = np.mean([p[0] for p in pairs]), np.mean([p[1] for p in pairs])
        ratio = ours / off if off > 0 else float('inf') if ours > 0 else 1.0
        worst = max(worst, ratio, 1 / ratio if ratio > 0 else float('inf'))
        if abs(ratio - 1) > 0.05 or depth in ('-', '1', '12'):
            lines.append(f'  {kind:<42} depth {depth:>2}  official {off:.5f}  project {ours:.5f}'
                         f'  ratio {ratio:.3f}')
    lines.append(f'  {len(groups)} (kind, depth) groups; largest std ratio either way {worst:.3f}'
                 ' (rows within 5 % shown only at depth 1, 12 and outside the blocks)')
    return lines


def compare_optimizer(config, official, project, cfg, names) -> List[str]:
    from mmengine.optim import build_optim_wrapper
    from optimizer import build_optimizer
    logger = logging.getLogger('official')
    off_opt = build_optimizer(config, official, logger, is_pretrain=True)
    wrapper_cfg = dict(cfg.optim_wrapper, type='OptimWrapper')
    wrapper_cfg.pop('loss_scale', None)
    ours = build_optim_wrapper(project, wrapper_cfg).optimizer
    def by_param(optimizer) -> dict:
        return {id(p): {key: group[key] for key in ('lr', 'weight_decay', 'betas', 'eps')}
                for group in optimizer.param_groups for p in group['params']}
    off_by_param, our_by_param = by_param(off_opt), by_param(ours)
    project_params = dict(project.named_parameters())
    same, lines = 0, []
    for name, param in official.named_parameters():
        if name not in names:
            continue
        off, our = off_by_param[id(param)], our_by_param[id(project_params[names[name]])]
        if all(np.allclose(off[k], our[k], rtol=1e-9, atol=0) for k in off):
            same += 1
        else:
            lines.append(f'  {name}: official {off}, project {our}')
    lines.append(f'  {same} of {len(names)} parameters with equal lr, weight decay, betas, eps')
    return lines


def compare_schedule(config, official, cfg) -> List[str]:
    from lr_scheduler import build_scheduler
    epoch_length = IMAGENET_TRAIN // TOTAL_BATCH  # official loader: drop_last=True
    epochs = config.TRAIN.EPOCHS
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))],
                                  lr=config.TRAIN.BASE_LR)
    scheduler = build_scheduler(config, optimizer, epoch_length)
    timm_value = np.array([scheduler._get_lr(t)[0] for t in range(epochs * epoch_length)])
    loop_value = np.concatenate([timm_value[:1], timm_value[:-1]])  # step_update(k) after step k
    ours = lr_curve(cfg.param_scheduler, cfg.optim_wrapper.optimizer.lr, epoch_length,
                    cfg.train_cfg.max_epochs)[:, 0]
    if len(ours) != len(timm_value):
        return [f'  different lengths: official {len(timm_value)}, project {len(ours)} iterations']
    rel = np.abs(ours / timm_value - 1)
    rel_loop = np.abs(ours / loop_value - 1)
    return [
        f'  {len(ours)} iterations ({epochs} epochs x {epoch_length} at batch {TOTAL_BATCH})',
        f'  vs timm CosineLRScheduler._get_lr(k): max relative difference {rel.max():.2e} '
        f'(iteration {rel.argmax()})',
        f'  vs the official loop (iteration k runs at _get_lr(k - 1)): mean relative difference '
        f'{rel_loop.mean():.2e}, max {rel_loop.max():.2e} (iteration {rel_loop.argmax()})',
        f'  mean lr over the run: official {loop_value.mean():.6e}, project {ours.mean():.6e}']


def compare_step(official, project, names, batch: int, seed: int) -> List[str]:
    from mmpretrain.structures import DataSample
    from mmpretrain.registry import TRANSFORMS
    project_params = dict(project.named_parameters())
    with torch.no_grad():
        for name, param in official.named_parameters():
            if name in names:
                project_params[names[name]].copy_(param)
    for module in list(official.modules()) + list(project.modules()):
        module.train()
    generator = torch.Generator().manual_seed(seed)
    images = torch.rand(batch, 3, 224, 224, generator=generator)  # [0, 1]
    masks = TRANSFORMS.build(dict(type='FrequencyMaskGenerator', radius=16)).masks((224, 224))
    keep = torch.stack([masks[i % 2, 0] for i in range(batch)])  # low-, high-pass, ...
    official_loss = official(images, mask=keep.float())
    official_loss.backward()
    samples = [DataSample(freq_mask=k) for k in keep]
    data = project.data_preprocessor(  # the pipeline's 0-255 RGB images
        dict(inputs=images.mul(255), data_samples=samples), training=True)
    loss = project(**data, mode='loss')['loss']
    loss.backward()
    worst = 0.0
    for name, param in official.named_parameters():
        if name in names and param.grad is not None:
            ours = project_params[names[name]].grad
            scale = param.grad.abs().max().item() or 1.0
            worst = max(worst, (ours - param.grad).abs().max().item() / scale)
    return [f'  loss official {official_loss.item():.7f}, project {loss.item():.7f} '
            f'(difference {abs(official_loss.item() - loss.item()):.1e})',
            f'  largest gradient difference, relative to the tensor\'s largest gradient: '
            f'{worst:.1e} over {len(names)} parameters']


def main() -> None:
    args = parse_args()
    from mmengine.config import Config
    from mmengine.logging import MMLogger
    MMLogger.get_instance('mmengine').setLevel(logging.WARNING)  # no per-parameter init lines
    from mmengine.registry import init_default_scope
    yaml, config_path = MODELS[args.model]
    torch.manual_seed(args.seed)
    config, official = official_parts(osp.abspath(args.official_tree), yaml)
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(REPO, config_path))
    torch.manual_seed(args.seed)
    project = project_model(cfg)
    names = official_to_project_names(official)
    print(f'== {args.method} {args.model}: official {yaml} vs project {config_path}')
    print(f'-- 1. init (std of a fresh model; official seed {args.seed})')
    print('\n'.join(compare_init(official, project, names)))
    print('-- 2. optimizer and parameter groups')
    print('\n'.join(compare_optimizer(config, official, project, cfg, names)))
    print('-- 3. lr schedule')
    print('\n'.join(compare_schedule(config, official, cfg)))
    print(f'-- 4. one train step ({args.batch} images, low- and high-pass masks)')
    print('\n'.join(compare_step(official, project, names, args.batch, args.seed)))


if __name__ == '__main__':
    main()
