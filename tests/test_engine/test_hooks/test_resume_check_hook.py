"""ResumeCheckHook: resume only into the same model and the same schedule."""
import copy
import types

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from mfm_mm.engine.hooks import ResumeCheckHook
from mfm_mm.engine.hooks.resume_check_hook import model_differences


class Lines:
    def __init__(self):
        self.lines = []

    def info(self, msg):
        self.lines.append(msg)

    warning = info


SCHEDULE = dict(optim_wrapper=dict(optimizer=dict(type='AdamW', lr=1e-3)),
                param_scheduler=[dict(type='LinearLR', end=5),
                                 dict(type='CosineAnnealingLR', begin=5, T_max=45)])


def fake_runner(dataset_size=48, batch_size=8, world_size=1, resume=True, cfg=SCHEDULE):
    return types.SimpleNamespace(
        _resume=resume, _load_from='w/epoch_1.pth', model=nn.Linear(2, 3), logger=Lines(),
        world_size=world_size, cfg=Config(copy.deepcopy(cfg)),
        train_loop=types.SimpleNamespace(
            dataloader=Sized([None] * dataset_size, batch_size, world_size)))


class Sized:
    """A dataloader stand-in: one rank's batches of a sampler split over the ranks."""

    def __init__(self, dataset, batch_size, world_size):
        self.dataset, self.batch_size, self.world_size = dataset, batch_size, world_size

    def __len__(self):
        return -(-len(self.dataset) // (self.batch_size * self.world_size))


def saved_checkpoint(**layout):
    hook, checkpoint = ResumeCheckHook(), dict(meta=dict(epoch=1, iter=6))
    hook.before_save_checkpoint(fake_runner(**layout), checkpoint)
    checkpoint['state_dict'] = nn.Linear(2, 3).state_dict()
    return checkpoint


def test_layout_is_recorded():
    assert saved_checkpoint()['meta']['data_layout'] == dict(
        iters_per_epoch=6, dataset_size=48, batch_size=8, world_size=1)


def test_same_total_batch_over_other_processes_carries_over():
    runner = fake_runner(batch_size=4, world_size=2)  # 8 x 1 -> 4 x 2: 6 iterations either way
    ResumeCheckHook().after_load_checkpoint(runner, saved_checkpoint())
    assert runner.logger.lines == [
        'resume: 6 iterations per epoch (48 images, batch 8 x 1 processes) before, '
        '6 iterations per epoch (48 images, batch 4 x 2 processes) now; the schedule carries '
        'over']


def test_a_dataset_of_the_same_iterations_per_epoch_carries_over():
    runner = fake_runner(dataset_size=47)  # the last batch has 7 images
    ResumeCheckHook().after_load_checkpoint(runner, saved_checkpoint())
    assert runner.logger.lines[0].endswith('6 iterations per epoch (47 images, batch 8 x 1 '
                                           'processes) now; the schedule carries over')


@pytest.mark.parametrize('now, text', [
    (dict(batch_size=16), '3 iterations per epoch (48 images, batch 16 x 1 processes)'),
    (dict(dataset_size=96), '12 iterations per epoch (96 images, batch 8 x 1 processes)'),
    (dict(world_size=2), '3 iterations per epoch (48 images, batch 8 x 2 processes)'),
])
def test_a_changed_schedule_or_total_batch_is_refused(now, text):
    with pytest.raises(ValueError) as err:
        ResumeCheckHook().after_load_checkpoint(fake_runner(**now), saved_checkpoint())
    assert str(err.value).startswith(
        'cannot resume w/epoch_1.pth: it was trained with 6 iterations per epoch (48 images, '
        f'batch 8 x 1 processes), this run has {text}. The restored schedule counts')
    assert str(err.value).endswith('--cfg-options load_from=w/epoch_1.pth (without --resume; '
                                   'optimizer and schedule start over)')


def test_older_checkpoints_are_checked_on_iter_and_epoch():
    checkpoint = saved_checkpoint()
    del checkpoint['meta']['data_layout']
    ResumeCheckHook().after_load_checkpoint(fake_runner(), checkpoint)
    with pytest.raises(ValueError, match='it was trained with iteration 6 at the end of epoch '
                       r'1, this run has 3 iterations per epoch \(48 images, batch 16'):
        ResumeCheckHook().after_load_checkpoint(fake_runner(batch_size=16), checkpoint)


def test_load_from_without_resume_is_not_checked():
    checkpoint = saved_checkpoint()
    checkpoint['state_dict'] = {}
    ResumeCheckHook().after_load_checkpoint(fake_runner(resume=False), checkpoint)


def test_model_differences_name_the_first_ones():
    saved = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 4)).state_dict()
    model = nn.Sequential(nn.Linear(2, 5), nn.Linear(5, 4), nn.Linear(4, 1))
    assert model_differences(saved, model) == [
        '3 shape mismatches (first: 0.weight (3, 2) in the checkpoint, (5, 2) in the model, '
        '0.bias (3,) in the checkpoint, (5,) in the model, 1.weight (4, 3) in the checkpoint, '
        '(4, 5) in the model)',
        '2 tensors missing from the checkpoint (first: 2.weight, 2.bias)']
    assert model_differences(saved, nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 4))) == []


def test_empty_buffers_take_the_checkpoints_shape():
    """FAMT's weight maps are sized from the training set or the checkpoint."""
    model = nn.Linear(2, 3)
    model.register_buffer('maps', torch.zeros(0, 4, 4, dtype=torch.uint8))
    saved = dict(model.state_dict(), maps=torch.zeros(48, 4, 4, dtype=torch.uint8))
    assert model_differences(saved, model) == []
    model.maps = torch.zeros(8, 4, 4, dtype=torch.uint8)  # sized: the shape must agree again
    assert model_differences(saved, model) == [
        '1 shape mismatches (first: maps (48, 4, 4) in the checkpoint, (8, 4, 4) in the model)']


def test_a_changed_lr_and_schedule_are_listed_and_said_to_be_overridden():
    hook, runner = ResumeCheckHook(), fake_runner()
    checkpoint = dict(state_dict=runner.model.state_dict(),
                      meta=dict(epoch=1, iter=6, cfg=Config(SCHEDULE).pretty_text))
    hook.after_load_checkpoint(runner, checkpoint)
    assert runner.logger.lines == []  # the same settings: nothing to say
    changed = copy.deepcopy(SCHEDULE)
    changed['optim_wrapper']['optimizer']['lr'] = 2e-3
    changed['param_scheduler'][1]['T_max'] = 95
    runner = fake_runner(cfg=changed)
    hook.after_load_checkpoint(runner, checkpoint)
    assert runner.logger.lines == [
        'resume: the config changes optim_wrapper.optimizer.lr 0.001 -> 0.002; '
        'param_scheduler.CosineAnnealingLR.T_max 45 -> 95. The optimizer and scheduler state '
        'restored from w/epoch_1.pth overrides them: the run goes on with the old lr and '
        'schedule (for the new ones, start a new run from its weights with --cfg-options '
        'load_from=w/epoch_1.pth, without --resume)']
